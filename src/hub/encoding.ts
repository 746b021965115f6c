import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import jschardet from 'jschardet';

/** The encodings a city's files arrive in; GBK and GB2312 are read as GB18030, which contains both. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5' | 'windows-1252';

const SAMPLE_BYTES = 256 * 1024;

/**
 * The text encoding of a file, from its byte-order mark, else from whether its start is valid UTF-8,
 * else from jschardet's guess. UTF-8 is tried first because a valid UTF-8 sample of Chinese text is almost
 * never anything else, while statistical guessers often confuse short UTF-8 samples with Latin-1.
 */
export async function detectEncoding(path: string): Promise<{ encoding: TextEncoding; bom: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    return detectEncodingOf(buffer.subarray(0, bytesRead), bytesRead < SAMPLE_BYTES);
  } finally {
    await handle.close();
  }
}

export function detectEncodingOf(sample: Buffer, whole: boolean): { encoding: TextEncoding; bom: boolean } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  // UTF-16 without a mark: its ASCII characters (digits, commas, line ends) have a zero byte, on one side
  // only, while UTF-8, GBK and Big5 text has no zero bytes at all.
  const zeros = (from: number) => {
    let count = 0;
    for (let i = from; i < Math.min(sample.length, 4096); i += 2) if (sample[i] === 0) count++;
    return count / Math.max(1, Math.min(sample.length, 4096) / 2);
  };
  const [even, odd] = [zeros(0), zeros(1)];
  if (odd >= 0.02 && even <= odd / 10) return { encoding: 'utf-16le', bom: false };
  if (even >= 0.02 && odd <= even / 10) return { encoding: 'utf-16be', bom: false };
  if (isUtf8(whole ? sample : trimPartialCharacter(sample))) return { encoding: 'utf-8', bom: false };
  const guess = jschardet.detect(sample).encoding?.toLowerCase() ?? '';
  if (guess.startsWith('big5')) return { encoding: 'big5', bom: false };
  if (guess === 'windows-1252' || guess === 'iso-8859-1' || guess === 'ascii') {
    return { encoding: 'windows-1252', bom: false };
  }
  // GB2312, GBK, GB18030 and any other guess on a Chinese government's file.
  return { encoding: 'gb18030', bom: false };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A sample cut at an arbitrary byte may end inside a UTF-8 character: drop that last partial one. */
function trimPartialCharacter(bytes: Buffer): Buffer {
  const end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back] ?? 0;
    if ((byte & 0xc0) === 0xc0) return bytes.subarray(0, end - back); // a lead byte whose tail was cut
    if ((byte & 0x80) === 0) break;
  }
  return bytes;
}

/** A stream that decodes the encoding to text (dropping a byte-order mark). */
export function decoder(encoding: TextEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(encoding, { stripBOM: true });
}
