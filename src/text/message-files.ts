import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/**
 * A citizen message as the 12345 platforms export them (the TipDM Cup files use these column names):
 * the city's history outside CivicGrid, read for training, hot-issue mining and reply review.
 */
export interface MessageRecord {
  id: string;
  /** The writer's account (留言用户): several messages from one account count as one reporter. */
  author: string;
  title: string;
  detail: string;
  writtenAt: Date;
  supports: number;
  oppositions: number;
  /** First-level category, when the file is labelled (一级分类). */
  label?: string;
  /** The government's reply and when it was given, when the file has them (答复意见, 答复时间). */
  reply?: string;
  repliedAt?: Date;
}

const COLUMNS = {
  id: '留言编号',
  author: '留言用户',
  title: '留言主题',
  writtenAt: '留言时间',
  detail: '留言详情',
  oppositions: '反对数',
  supports: '点赞数',
  label: '一级分类',
  reply: '答复意见',
  repliedAt: '答复时间',
} as const;

/** `2019/2/14 20:00:00` (or with dashes), in the city's time (UTC+8, no daylight saving). */
export function parsePlatformTime(text: string): Date | undefined {
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(text.trim());
  if (!m) return undefined;
  const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0'] = m;
  return new Date(Date.UTC(+y, +mo - 1, +d, +h - 8, +mi, +s));
}

export class MessageFileError extends Error {}

/** Reads a message export (UTF-8 CSV with the platform's Chinese headers); whitespace in texts folded. */
export function readMessageFile(path: string): MessageRecord[] {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Record<
    string,
    string
  >[];
  const first = rows[0];
  if (!first) return [];
  for (const required of [COLUMNS.id, COLUMNS.title, COLUMNS.writtenAt, COLUMNS.detail]) {
    if (!(required in first)) throw new MessageFileError(`${path}: no column "${required}"`);
  }
  return rows.map((row, i) => {
    const writtenAt = parsePlatformTime(row[COLUMNS.writtenAt] ?? '');
    if (!writtenAt) throw new MessageFileError(`${path}, row ${i + 2}: "${row[COLUMNS.writtenAt]}" is not a time`);
    const fold = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
    const reply = fold(row[COLUMNS.reply]);
    return {
      id: fold(row[COLUMNS.id]),
      author: fold(row[COLUMNS.author]),
      title: fold(row[COLUMNS.title]),
      detail: fold(row[COLUMNS.detail]),
      writtenAt,
      supports: Number(row[COLUMNS.supports] ?? 0) || 0,
      oppositions: Number(row[COLUMNS.oppositions] ?? 0) || 0,
      ...(row[COLUMNS.label] ? { label: fold(row[COLUMNS.label]) } : {}),
      ...(reply ? { reply, repliedAt: parsePlatformTime(row[COLUMNS.repliedAt] ?? '') } : {}),
    };
  });
}
