import fs from 'node:fs';
import path from 'node:path';

/** A multipart upload as a browser's FormData makes it (undici writes the body), for `app.inject`. */
export async function multipartUpload(stage: string | null, files: string[]) {
  const form = new FormData();
  if (stage) form.append('stage', stage);
  for (const file of files) form.append('files', new Blob([fs.readFileSync(file)]), path.basename(file));
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    contentType: request.headers.get('content-type')!,
    payload: Buffer.from(await request.arrayBuffer()),
  };
}
