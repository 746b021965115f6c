import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.ts';
import { DateTime, errorResponses, Nullable } from '../lib/http-schemas.ts';
import { requireClearance } from '../policy/index.ts';
import { emptyAuditRange } from './audit.errors.ts';
import { readAnchorsIfAny } from './audit-anchors.ts';
import { type AuditKeys, auditHead, listAudit, verifyAuditChain } from './audit-log.ts';
import { usersNamed, viewAudit } from './audit-view.ts';

/** What an audit entry shows: every column (the auditor reads the whole trail, addresses included). */
const AUDIT_COLUMNS = [
  'seq',
  'occurred_at',
  'actor_user_id',
  'actor_role',
  'action',
  'subject_type',
  'subject_id',
  'purpose',
  'details',
  'ip',
  'request_id',
  'hash',
];
/** Who acted, beside each entry (a display name is personal data: the clearance must cover it). */
const ACTOR_COLUMNS = ['username', 'display_name'];

const AuditRecordSchema = Type.Object({
  seq: Type.Integer(),
  at: DateTime,
  actorUserId: Nullable(Type.String()),
  actorRole: Nullable(Type.String()),
  action: Type.String(),
  subjectType: Nullable(Type.String()),
  subjectId: Nullable(Type.String()),
  purpose: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  hash: Type.String(),
  actor: Nullable(
    Type.Object(
      { username: Type.String(), displayName: Type.String() },
      { description: 'Who acted (null: the system)' },
    ),
  ),
  caseNumber: Nullable(Type.String({ description: 'The case the entry concerns, when it concerns one' })),
});

/** The auditor's view of the audit trail: read it, page through it, check its chain. */
export interface AuditRouteDeps {
  db: Db;
  /** The key file's keys the entries are MACed with. */
  keys: AuditKeys;
  /** Where the head is anchored outside the database (AUDIT_ANCHOR_FILE), if anywhere. */
  anchorFile?: string;
}

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRouteDeps> = async (app, { db, keys, anchorFile }) => {
  const tags = ['audit'];
  app.get(
    '/audit',
    {
      config: { action: 'audit.read' },
      schema: {
        tags,
        summary:
          'Audit entries, newest first, with who acted and the case concerned (page with before = the last seq seen)',
        querystring: Type.Object(
          {
            actorUserId: Type.Optional(Type.String({ format: 'uuid' })),
            actor: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 100,
                description: 'A person: their user name, or part of their display name',
              }),
            ),
            subjectType: Type.Optional(Type.String({ maxLength: 50 })),
            subjectId: Type.Optional(Type.String({ maxLength: 200 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(AuditRecordSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requireClearance(request.actor.clearance, 'audit_log', AUDIT_COLUMNS);
      requireClearance(request.actor.clearance, 'users', ACTOR_COLUMNS);
      requireClearance(request.actor.clearance, 'cases', ['case_number']);
      const { from, to, before, actor, ...rest } = request.query;
      const period = { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
      if (period.from && period.to && period.from > period.to) throw emptyAuditRange(from!, to!);
      const records = await listAudit(db, {
        ...rest,
        ...period,
        actorUserIds: actor === undefined ? undefined : await usersNamed(db, actor.trim()),
        beforeSeq: before,
      });
      return viewAudit(db, records);
    },
  );

  app.get(
    '/audit/verify',
    {
      config: { action: 'audit.read' },
      schema: {
        tags,
        summary:
          'Recompute the hash chain, check each MAC and the heads anchored outside the database, and name the first entry that does not match (if any)',
        response: {
          200: Type.Object({
            checked: Type.Integer(),
            ok: Type.Boolean(),
            firstBad: Type.Optional(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
            head: Type.Union([Type.Object({ seq: Type.Integer(), hash: Type.String() }), Type.Null()]),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async () => {
      const anchors = anchorFile ? await readAnchorsIfAny(anchorFile) : [];
      return { ...(await verifyAuditChain(db, keys, { anchors })), head: await auditHead(db) };
    },
  );
};
