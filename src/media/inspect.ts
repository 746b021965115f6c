import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import { defineError } from '../lib/app-error.ts';
import { MEDIA_TYPES, type MediaType } from './media.tables.ts';

export const unsupportedType = defineError('MEDIA_ERR_UNSUPPORTED_TYPE', 415, (found: string) => ({
  message: `The file is ${found}, not a photo (JPEG, PNG, WebP, AVIF) or a PDF`,
  details: { found, accepted: [...MEDIA_TYPES] },
}));

export const damagedFile = defineError('MEDIA_ERR_DAMAGED', 422, (kind: 'photo' | 'PDF', reason: string) => ({
  message: `The ${kind} is damaged or incomplete and cannot be read; send it again`,
  details: { reason },
}));

const PDF_HEADER = '%PDF-';
const PDF_END = '%%EOF';
// Readers look for the end marker within the last 1024 bytes (the PDF reference's implementation note), so
// writers that add a little trailing whitespace or padding still pass.
const PDF_TAIL_BYTES = 1024;

/**
 * What a file is, from its bytes alone: the name and the Content-Type the client sent are theirs to
 * choose, so a page or a program renamed `photo.jpg` is refused here. A PDF must also be whole, as an
 * interrupted upload leaves it without its end marker.
 */
export async function sniffMediaType(path: string): Promise<MediaType> {
  const detected = await fileTypeFromFile(path);
  const found = detected?.mime;
  if (!isMediaType(found)) throw unsupportedType(found ?? 'of a type not recognised from its bytes');
  if (found === 'application/pdf') await assertWholePdf(path);
  return found;
}

function isMediaType(mime: string | undefined): mime is MediaType {
  return (MEDIA_TYPES as readonly (string | undefined)[]).includes(mime);
}

/** Reads only the first bytes and the tail, however large the document. */
async function assertWholePdf(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(PDF_HEADER.length);
    await file.read(head, 0, head.length, 0);
    if (head.toString('latin1') !== PDF_HEADER) throw damagedFile('PDF', `it does not start with ${PDF_HEADER}`);
    const tail = Buffer.alloc(Math.min(PDF_TAIL_BYTES, size));
    await file.read(tail, 0, tail.length, size - tail.length);
    if (!tail.includes(PDF_END, 0, 'latin1')) throw damagedFile('PDF', `there is no ${PDF_END} at its end`);
  } finally {
    await file.close();
  }
}
