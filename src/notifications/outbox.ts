import type { Db } from '../db/database.ts';
import type { NotificationChannel } from './notifications.tables.ts';
import type { TemplateName } from './templates.ts';

export interface OutboxMessage {
  caseId: string | null;
  template: TemplateName;
  params: Record<string, string>;
}

/**
 * Queues a message to each person, by text message to those with a phone number and by email to those
 * with only an address; a person with neither, or who withdrew consent to be contacted, is not contacted.
 * Call inside the transaction of the step the message tells of.
 */
export async function enqueueNotifications(
  trx: Db,
  personIds: readonly string[],
  message: OutboxMessage,
  now: Date,
): Promise<number> {
  if (!personIds.length) return 0;
  const persons = await trx
    .selectFrom('persons')
    .select(['id', 'contact_channel', 'contact_consent'])
    .where('id', 'in', [...new Set(personIds)])
    .execute();
  const rows = persons.flatMap((person) => {
    const channel: NotificationChannel | null = person.contact_channel;
    if (!channel || !person.contact_consent) return [];
    return [
      {
        person_id: person.id,
        case_id: message.caseId,
        channel,
        template: message.template,
        params: JSON.stringify(message.params),
        next_attempt_at: now,
        last_error: null,
        created_at: now,
        sent_at: null,
      },
    ];
  });
  if (rows.length) await trx.insertInto('notifications').values(rows).execute();
  return rows.length;
}

/**
 * Queues a sign-in code for the number it was asked for (sealed with the code, see auth/sign-in.ts): the
 * number need not belong to anyone yet, and asking for it is consent to this one message. Returns the
 * message's id, for sending it at once (deliverNotificationNow).
 */
export async function enqueueSignInCode(
  trx: Db,
  signInCodeId: string,
  params: { code: string; minutes: string },
  now: Date,
): Promise<string> {
  const row = await trx
    .insertInto('notifications')
    .values({
      person_id: null,
      sign_in_code_id: signInCodeId,
      case_id: null,
      channel: 'sms',
      template: 'sign_in_code' satisfies TemplateName,
      params: JSON.stringify(params),
      next_attempt_at: now,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
