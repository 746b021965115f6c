/**
 * The audit trail as the auditor reads it: each entry with the person who acted (display name and user
 * name, not only a role) and the case it concerns (its case number, not an internal id).
 */
import type { Db } from '../db/database.ts';
import type { AuditRecord } from './audit-log.ts';

export interface AuditActor {
  username: string;
  displayName: string;
}

export interface AuditView extends AuditRecord {
  /** Null for the system and the operator's commands, or when the user is gone. */
  actor: AuditActor | null;
  /** The case the entry concerns, when it concerns one. */
  caseNumber: string | null;
}

/** Route parameters naming a case's photo or document (`/media/:id`, `/media/:id/publication`). */
const MEDIA_ROUTE = /^[A-Z]+ (?:\/api\/v\d+)?\/media\/:id(?:\/|$)/;

/** The parameters of the request a route entry records (http/auth.ts writes them under details.params). */
function paramsOf(record: AuditRecord): Record<string, unknown> {
  const params = record.details.params;
  return params !== null && typeof params === 'object' ? (params as Record<string, unknown>) : {};
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Adds who acted and which case each entry concerns, with one query per kind of lookup for the page. */
export async function viewAudit(db: Db, records: readonly AuditRecord[]): Promise<AuditView[]> {
  const userIds = [...new Set(records.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])))];
  const mediaOf = (r: AuditRecord) =>
    r.subjectType === 'route' && MEDIA_ROUTE.test(r.subjectId ?? '') ? text(paramsOf(r).id) : undefined;
  const mediaIds = [...new Set(records.flatMap((r) => mediaOf(r) ?? []))].filter(isUuid);

  const users = userIds.length
    ? await db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', userIds).execute()
    : [];
  const media = mediaIds.length
    ? await db
        .selectFrom('case_media as m')
        .innerJoin('cases as c', 'c.id', 'm.case_id')
        .select(['m.id', 'c.case_number'])
        .where('m.id', 'in', mediaIds)
        .execute()
    : [];
  const userById = new Map(users.map((u) => [u.id, { username: u.username, displayName: u.display_name }]));
  const caseOfMedia = new Map(media.map((m) => [m.id, m.case_number]));

  return records.map((record) => {
    const media = mediaOf(record);
    const caseNumber =
      (record.subjectType === 'case' ? record.subjectId : undefined) ??
      text(paramsOf(record).caseNumber) ??
      (media ? caseOfMedia.get(media) : undefined) ??
      null;
    return {
      ...record,
      actor: (record.actorUserId && userById.get(record.actorUserId)) || null,
      caseNumber,
    };
  });
}

/**
 * The users a person filter names: the one with this user name, and everyone whose display name contains
 * the text (LIKE's wildcards in it are taken literally).
 */
export async function usersNamed(db: Db, name: string): Promise<string[]> {
  const contains = `%${name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('username', '=', name), eb('display_name', 'ilike', contains)]))
    .execute();
  return rows.map((r) => r.id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: string) => UUID.test(value);
