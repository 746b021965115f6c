/**
 * Numbers stored one signed byte each, with one scale per column (the innermost index, `at % columns`):
 * model weights and term vectors are megabytes instead of tens of megabytes of JSON numbers, and the
 * rounding moves a score by about 0.01.
 */
export interface Quantised {
  /** base64 of the bytes */
  bytes: string;
  scales: number[];
}

export function quantise(values: Float32Array, columns: number): Quantised {
  const scales = new Array<number>(columns).fill(0);
  values.forEach((v, at) => {
    const c = at % columns;
    scales[c] = Math.max(scales[c] ?? 0, Math.abs(v) / 127);
  });
  const bytes = Int8Array.from(values, (v, at) => {
    const scale = scales[at % columns] ?? 0;
    return scale > 0 ? Math.round(v / scale) : 0;
  });
  return { bytes: Buffer.from(bytes.buffer).toString('base64'), scales };
}

export function dequantise(bytes: string, scales: number[]): Float32Array {
  const columns = scales.length;
  return Float32Array.from(new Int8Array(Buffer.from(bytes, 'base64')), (q, at) => q * (scales[at % columns] ?? 0));
}
