import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import { defineError } from '../lib/app-error.ts';
import type { Actor } from '../organizations/index.ts';
import { type Identity, maskPersonalData, recordPerson } from '../privacy/index.ts';
import type { CaseDeps } from './case-deps.ts';
import { actionForbidden, caseNotFound, missingInput } from './cases.errors.ts';
import type { CaseEventDetails } from './cases.tables.ts';
import { RULES } from './lifecycle.ts';
import { visibleTo } from './visibility.ts';

export interface NoteInput {
  /** The note's words, shown in the case's history (numbers written into it are masked, as in any step's note). */
  note: string;
  /**
   * A partner application's own id for the note: the same id again (a retry) records nothing and answers
   * the note recorded first; the same id on another case is refused.
   */
  clientUpdateId?: string;
  /** The status the client's user gave, and when they wrote: kept with the note, never acted on. */
  clientStatus?: string;
  clientUpdatedAt?: string;
  /** Who wrote it, when the client names them: sealed as personal data, referenced from the note only. */
  author?: Pick<Identity, 'name' | 'email'>;
  /** A photo's address as the client gave it: kept as a link, never fetched. */
  mediaUrl?: string;
  /** Narrows the cases that may be noted below the actor's reach (e.g. the public's and the client's own). */
  where?: (eb: ExpressionBuilder<Database, 'cases'>) => Expression<SqlBool>;
}

export interface RecordedNote {
  caseNumber: string;
  /** The note's place in the case's history (its event's seq). */
  seq: number;
  /** False when a note with the same client id was recorded before, and this is its answer. */
  recorded: boolean;
}

export const clientNoteIdTaken = defineError('CASE_ERR_NOTE_ID_TAKEN', 409, (id: string, caseNumber: string) => ({
  message: `Note id ${id} was already given to case ${caseNumber}; a new note needs a new id`,
  details: { caseNumber },
}));

/**
 * Records a note on a case: an event in its history that moves nothing (the status, the deadlines and the
 * dispatch stay as they were), so a partner application's update, even one whose user says the problem is
 * fixed, never steps the loop: that stays with the desk and the handling body, who read the note. Within
 * the actor's reach (404 otherwise, as for an unknown case). The case row is locked, so the note takes the
 * next place in its history even while someone acts on the case.
 */
export async function recordNote(
  deps: CaseDeps,
  actor: Actor,
  caseNumber: string,
  input: NoteInput,
): Promise<RecordedNote> {
  if (!RULES.note.roles.includes(actor.role)) throw actionForbidden('note', 'role', []);
  const note = maskPersonalData(input.note.trim()).masked;
  if (!note) throw missingInput('note', 'the words of the note');

  return deps.db.transaction().execute(async (trx) => {
    if (input.clientUpdateId !== undefined) {
      // Two deliveries of the same note at once take turns: the second finds the first.
      await sql`select pg_advisory_xact_lock(hashtext(${`note:${actor.userId}:${input.clientUpdateId}`}))`.execute(trx);
      const earlier = await noteWithClientId(trx, actor.userId, input.clientUpdateId);
      if (earlier) {
        if (earlier.case_number !== caseNumber) throw clientNoteIdTaken(input.clientUpdateId, earlier.case_number);
        return { caseNumber, seq: earlier.seq, recorded: false };
      }
    }
    const row = await trx
      .selectFrom('cases')
      .select(['id', 'status', 'event_count'])
      .where('case_number', '=', caseNumber)
      .where(visibleTo(actor))
      .$if(input.where !== undefined, (qb) => qb.where(input.where!))
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw caseNotFound(caseNumber);
    const now = deps.clock.now();
    const author = input.author && Object.values(input.author).some((value) => value?.trim());
    const details: CaseEventDetails = {
      ...(input.clientUpdateId !== undefined ? { clientUpdateId: input.clientUpdateId } : {}),
      ...(input.clientStatus ? { clientStatus: input.clientStatus } : {}),
      ...(input.clientUpdatedAt ? { clientUpdatedAt: input.clientUpdatedAt } : {}),
      ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
      ...(author ? { authorPersonId: await recordPerson(trx, deps.keyring, input.author!) } : {}),
    };
    const seq = row.event_count + 1;
    await trx
      .insertInto('case_events')
      .values({
        case_id: row.id,
        seq,
        action: 'note',
        from_status: row.status,
        to_status: row.status,
        actor_user_id: actor.userId,
        actor_role: actor.role,
        note,
        details: JSON.stringify(details),
        created_at: now,
      })
      .execute();
    await trx.updateTable('cases').set({ event_count: seq, updated_at: now }).where('id', '=', row.id).execute();
    return { caseNumber, seq, recorded: true };
  });
}

/** The note a client recorded under its own id, if any (case_events_client_update_idx finds it). */
function noteWithClientId(trx: Db, userId: string, clientUpdateId: string) {
  return trx
    .selectFrom('case_events')
    .innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select(['cases.case_number', 'case_events.seq'])
    .where('case_events.actor_user_id', '=', userId)
    .where(sql<string>`case_events.details->>'clientUpdateId'`, '=', clientUpdateId)
    .executeTakeFirst();
}
