/**
 * The audit log's head, written outside the database from time to time (an anchor), so that a log cut
 * short, or rewritten by whoever holds the database, no longer matches what was written here. The file is
 * appended to, never rewritten: an operator can make it append-only (`chattr +a`) or ship it to another
 * host, and keeps it outside DATA_DIR, away from the database's files. Each line is one JSON object:
 * `{"seq":…,"hash":"…","at":"…"}`.
 */
import { open, readFile } from 'node:fs/promises';
import type { Db } from '../db/database.ts';
import { type AuditAnchor, auditHead } from './audit-log.ts';

/**
 * Appends the head to the anchor file if it moved since `last` (what this process anchored before), and
 * returns the head. The line is flushed to disk before this returns.
 */
export async function anchorHead(
  db: Db,
  file: string,
  last: AuditAnchor | null,
  at: Date,
): Promise<AuditAnchor | null> {
  const head = await auditHead(db);
  if (!head || (last && last.seq === head.seq && last.hash === head.hash)) return head;
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.appendFile(`${JSON.stringify({ seq: head.seq, hash: head.hash, at: at.toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return head;
}

/** The anchors in a file, oldest first; none while the file does not exist yet (nothing anchored so far). */
export async function readAnchorsIfAny(file: string): Promise<AuditAnchor[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseAnchors(file, text);
}

/** A line that is not an anchor is refused, naming its number. */
function parseAnchors(file: string, text: string): AuditAnchor[] {
  const anchors: AuditAnchor[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let parsed: { seq?: unknown; hash?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${file}, line ${i + 1}: not an audit anchor (not JSON)`);
    }
    if (!Number.isInteger(parsed.seq) || typeof parsed.hash !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.hash)) {
      throw new Error(`${file}, line ${i + 1}: not an audit anchor (needs seq and a sha256 hash)`);
    }
    anchors.push({ seq: parsed.seq as number, hash: parsed.hash });
  }
  return anchors;
}
