import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { decoder, detectEncoding, type TextEncoding } from './encoding.ts';
import { badFile } from './hub.errors.ts';

export const FILE_FORMATS = ['csv', 'xlsx', 'json', 'ndjson', 'geojson', 'topojson'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** A cell as read: text from text files, numbers, booleans and dates from spreadsheets and JSON. */
export type CellValue = string | number | boolean | Date | null | object;

/** One record of a file. `rowNumber` counts as a spreadsheet shows rows (the header is row 1). */
export interface SourceRow {
  rowNumber: number;
  values: Record<string, CellValue>;
  /** The record's fields beyond the header's (CSV), so the row can be rejected rather than misread. */
  extraFields?: number;
}

export interface OpenedFile {
  format: FileFormat;
  encoding: TextEncoding | null;
  rows: AsyncIterable<SourceRow>;
  /** Bytes of the file read so far, for a progress bar. */
  bytesRead(): number;
}

/** The format a file is in, from its name, and for `.json` from how it begins. */
export async function formatOf(path: string): Promise<FileFormat> {
  const extension = extname(path).toLowerCase();
  if (extension === '.xlsx') return 'xlsx';
  if (extension === '.geojson') return 'geojson';
  if (extension === '.topojson') return 'topojson';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  if (extension === '.json') {
    const head = await firstText(path, 4096);
    if (/"type"\s*:\s*"Topology"/.test(head)) return 'topojson';
    if (/"type"\s*:\s*"FeatureCollection"/.test(head)) return 'geojson';
    return /^\s*\{[^\n]*\}\s*\n\s*\{/.test(head) ? 'ndjson' : 'json';
  }
  if (['.csv', '.tsv', '.txt'].includes(extension)) return 'csv';
  throw badFile(`${extension || 'a file without an extension'} is not a format the importer reads`);
}

async function firstText(path: string, bytes: number, known?: TextEncoding): Promise<string> {
  const encoding = known ?? (await detectEncoding(path)).encoding;
  const stream = createReadStream(path, { start: 0, end: bytes - 1 }).pipe(decoder(encoding));
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

/**
 * Opens a file for streaming its records with bounded memory (TopoJSON excepted: its arcs are shared
 * between features, so it is read whole; such files are boundaries, small by nature).
 * `headerRows`: a spreadsheet's header may span two rows under merged cells.
 */
export async function openFile(path: string, options: { headerRows?: number } = {}): Promise<OpenedFile> {
  const format = await formatOf(path);
  let bytes = 0;
  const bytesRead = () => bytes;
  // Counted as it passes, through a transform: a 'data' listener on the file would start it flowing before
  // its reader is attached (the workbook reader attaches later), and the first chunks would be lost.
  const counted = () =>
    createReadStream(path).pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
  if (format === 'xlsx') return { format, encoding: null, rows: xlsxRows(counted(), options.headerRows), bytesRead };
  const { encoding } = await detectEncoding(path);
  const text = () => counted().pipe(decoder(encoding));
  const opened = { format, encoding, bytesRead };
  switch (format) {
    case 'csv':
      return { ...opened, rows: csvRows(text(), await firstText(path, 8192, encoding)) };
    case 'ndjson':
      return { ...opened, rows: ndjsonRows(text()) };
    case 'json':
      return { ...opened, rows: jsonRows(text(), await firstText(path, 4096, encoding)) };
    case 'geojson':
      return { ...opened, rows: geojsonRows(text()) };
    case 'topojson':
      return { ...opened, rows: topojsonRows(path, encoding) };
  }
}

/** The delimiter the header line uses most: comma, semicolon, tab or bar (outside quotes). */
export function sniffDelimiter(head: string): string {
  const line = head.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  const unquoted = line.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t', '|'].map((d) => [d, unquoted.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]?.[1] ? counts[0][0] : ',';
}

async function* csvRows(text: NodeJS.ReadableStream, head: string): AsyncIterable<SourceRow> {
  const records = text.pipe(
    parseCsv({ delimiter: sniffDelimiter(head), relax_column_count: true, relax_quotes: true, bom: true }),
  );
  let header: string[] | null = null;
  let rowNumber = 0;
  for await (const record of records as AsyncIterable<string[]>) {
    rowNumber++;
    if (!header) {
      header = uniqueNames(record.map((name) => name.trim()));
      continue;
    }
    if (record.length === 1 && record[0] === '') continue; // a blank line
    const values: Record<string, CellValue> = {};
    header.forEach((name, i) => {
      values[name] = record[i] ?? null;
    });
    yield {
      rowNumber,
      values,
      ...(record.length > header.length ? { extraFields: record.length - header.length } : {}),
    };
  }
}

/** Two columns with one name (or none) keep both: the second becomes "name (2)". */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw || `column ${i + 1}`;
    const times = (seen.get(name) ?? 0) + 1;
    seen.set(name, times);
    return times === 1 ? name : `${name} (${times})`;
  });
}

async function* ndjsonRows(text: NodeJS.ReadableStream): AsyncIterable<SourceRow> {
  let rowNumber = 0;
  for await (const line of createInterface({ input: Readable.from(text), crlfDelay: Number.POSITIVE_INFINITY })) {
    rowNumber++;
    if (!line.trim()) continue;
    yield { rowNumber, values: parseObjectLine(line) };
  }
}

/** A malformed line becomes a row the importer rejects (`__error`), not the end of the import. */
function parseObjectLine(line: string): Record<string, CellValue> {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, CellValue>)
      : { __error: 'the line is not a JSON object' };
  } catch {
    return { __error: 'the line is not valid JSON' };
  }
}

/** A JSON array of records, or an object holding one (`{"data": [...]}`, `{"records": [...]}`, `{"result": {"records": [...]}}`). */
async function* jsonRows(text: NodeJS.ReadableStream, head: string): AsyncIterable<SourceRow> {
  const path = head.trimStart().startsWith('[') ? null : arrayPathOf(head);
  const stages: unknown[] = [text, parser()];
  if (path) stages.push(pick({ filter: path }));
  stages.push(streamArray());
  let rowNumber = 1;
  for await (const { value } of chain(stages as never) as AsyncIterable<{ value: unknown }>) {
    rowNumber++;
    yield {
      rowNumber,
      values:
        value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, CellValue>)
          : { __error: 'the element is not a JSON object' },
    };
  }
}

function arrayPathOf(head: string): string {
  for (const path of ['result.records', 'records', 'data', 'rows', 'items']) {
    const last = path.split('.').at(-1);
    if (new RegExp(`"${last}"\\s*:\\s*\\[`).test(head)) return path;
  }
  throw badFile('the JSON file is neither an array of records nor an object holding one under data, records or rows');
}

/** A feature's properties, and its geometry under `geometry`. */
async function* geojsonRows(text: NodeJS.ReadableStream): AsyncIterable<SourceRow> {
  const features = chain([text, parser(), pick({ filter: 'features' }), streamArray()] as never);
  let rowNumber = 1;
  for await (const { value } of features as AsyncIterable<{ value: GeoJSON.Feature }>) {
    rowNumber++;
    yield { rowNumber, values: { ...(value.properties ?? {}), geometry: value.geometry ?? null } };
  }
}

async function* topojsonRows(path: string, encoding: TextEncoding): AsyncIterable<SourceRow> {
  const { default: iconv } = await import('iconv-lite');
  let topology: Topology;
  try {
    topology = JSON.parse(iconv.decode(await readFile(path), encoding)) as Topology;
  } catch {
    throw badFile('the TopoJSON file is not valid JSON');
  }
  let rowNumber = 1;
  for (const object of Object.values(topology.objects ?? {})) {
    const collection = feature(topology, object) as GeoJSON.FeatureCollection | GeoJSON.Feature;
    const features = collection.type === 'FeatureCollection' ? collection.features : [collection];
    for (const one of features) {
      rowNumber++;
      yield { rowNumber, values: { ...(one.properties ?? {}), geometry: one.geometry ?? null } };
    }
  }
}

/**
 * A workbook's first sheet, streamed. A header over two rows (a group title merged across the columns
 * below it) is read as "group/column": the streaming reader meets the sheet's merge list only after its
 * rows, so a merged title is recognised by the blank cells it leaves to its right, which is what a merge
 * stores.
 */
async function* xlsxRows(input: Readable, headerRows?: number): AsyncIterable<SourceRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  for await (const sheet of workbook) {
    const headerLines: CellValue[][] = [];
    let header: string[] | null = null;
    const record = (cells: CellValue[], rowNumber: number): SourceRow | null => {
      const values: Record<string, CellValue> = {};
      (header ?? []).forEach((name, i) => {
        values[name] = cells[i] ?? null;
      });
      return Object.values(values).every((v) => v === null || v === '') ? null : { rowNumber, values };
    };
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      // Array.from, not map: the row is a sparse array, and an empty cell must count as one.
      const cells = Array.from((row.values as CellValue[]).slice(1), cellValue);
      if (header) {
        const read = record(cells, row.number);
        if (read) yield read;
        continue;
      }
      headerLines.push(cells);
      const first = headerLines[0] ?? [];
      const wanted = headerRows ?? (looksLikeGroupTitles(first) ? 2 : 1);
      if (headerLines.length < wanted) continue;
      // A second row with numbers or dates is data after all: the header was one row with gaps.
      const secondIsData =
        headerRows === undefined && headerLines.length === 2 && cells.some((c) => c !== null && typeof c !== 'string');
      header = uniqueNames(headerNames(secondIsData ? [first] : headerLines));
      if (secondIsData) {
        const read = record(cells, row.number);
        if (read) yield read;
      }
    }
    return; // the first sheet only
  }
}

/** Blank cells between titles, or after the first, in a first row: the titles are merged over columns. */
function looksLikeGroupTitles(cells: CellValue[]): boolean {
  const filled = cells.map((c) => c !== null && String(c).trim() !== '');
  const last = filled.lastIndexOf(true);
  return last > 0 && filled.slice(0, last + 1).includes(false);
}

function headerNames(lines: CellValue[][]): string[] {
  const width = Math.max(...lines.map((l) => l.length));
  const names: string[] = [];
  let group = '';
  for (let i = 0; i < width; i++) {
    const top = String(lines[0]?.[i] ?? '').trim();
    if (lines.length === 1) {
      names.push(top);
      continue;
    }
    if (top) group = top;
    const below = String(lines[1]?.[i] ?? '').trim();
    // A title merged down over both rows has no name below it; one merged across has names below.
    names.push(below ? (group ? `${group}/${below}` : below) : group);
  }
  return names;
}

/** A cell's own value: formulas give their result, rich text its text, errors nothing. */
function cellValue(value: CellValue | undefined): CellValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date || typeof value !== 'object') return value;
  const cell = value as { result?: CellValue; richText?: { text: string }[]; text?: string; error?: string };
  if ('result' in cell) return cellValue(cell.result);
  if (cell.richText) return cell.richText.map((r) => r.text).join('');
  if (typeof cell.text === 'string') return cell.text;
  return null;
}
