/** One formatter per time zone: making one costs about 0.1 ms, far more than using it. */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/**
 * Offsets already read, per time zone and quarter hour (zones change offset only on a quarter hour):
 * a public list writes three date-times for each of its 1,000 rows.
 */
const knownOffsets = new Map<string, number>();
const QUARTER_HOUR_MS = 15 * 60_000;
const OFFSETS_KEPT = 10_000;

/** The UTC offset of a time zone at an instant, in minutes (+480 for Asia/Shanghai). */
function offsetMinutes(timeZone: string, at: Date): number {
  const key = `${timeZone}|${Math.floor(at.getTime() / QUARTER_HOUR_MS)}`;
  const known = knownOffsets.get(key);
  if (known !== undefined) return known;
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  const offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  if (knownOffsets.size >= OFFSETS_KEPT) knownOffsets.clear();
  knownOffsets.set(key, offset);
  return offset;
}

/** The instant a local date begins in a time zone. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  return instantOfWallTime(new Date(`${date}T00:00:00Z`), timeZone);
}

/**
 * The instant a wall-clock time in a time zone stands for; the wall time is given as a Date whose UTC
 * fields are the local ones (what a file's "2018/12/31 23:55" or a spreadsheet's date cell means).
 */
export function instantOfWallTime(wall: Date, timeZone: string): Date {
  const guess = new Date(wall.getTime() - offsetMinutes(timeZone, wall) * 60_000);
  // Once more from the guess, in case the offset differs there (a clock change in between).
  return new Date(wall.getTime() - offsetMinutes(timeZone, guess) * 60_000);
}

/** An instant as a W3C date-time in a time zone, with its offset: 2026-11-20T10:00:00+08:00. */
export function localDateTime(at: Date, timeZone: string): string {
  const offset = offsetMinutes(timeZone, at);
  const local = new Date(at.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}
