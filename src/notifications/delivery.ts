import type { Db } from '../db/database.ts';
import { type Keyring, openIdentity } from '../privacy/index.ts';
import type { MessageSender } from './senders.ts';
import { renderTemplate, type TemplateName } from './templates.ts';

/** After this many failed attempts a message is given up on (and shows as failed). */
export const MAX_ATTEMPTS = 6;

function backoffMinutes(attempts: number): number {
  return 2 ** attempts;
}

/**
 * Sends the messages that are due, a batch at a time. Each batch is claimed with FOR UPDATE SKIP LOCKED,
 * so several server instances can run this at once without sending a message twice.
 */
export async function deliverDueNotifications(
  db: Db,
  keyring: Keyring,
  sender: MessageSender,
  now: Date,
  batchSize = 50,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('notifications')
      .innerJoin('persons', 'persons.id', 'notifications.person_id')
      .select([
        'notifications.id',
        'notifications.channel',
        'notifications.template',
        'notifications.params',
        'notifications.attempts',
        'persons.id as person_id',
        'persons.sealed',
      ])
      .where('notifications.status', '=', 'pending')
      .where('notifications.next_attempt_at', '<=', now)
      .orderBy('notifications.next_attempt_at')
      .limit(batchSize)
      .forUpdate('notifications')
      .skipLocked()
      .execute();
    for (const message of due) {
      try {
        // The address is opened only here, at the moment of sending: the outbox holds none in clear.
        const identity = openIdentity(keyring, message.person_id, message.sealed);
        const to = message.channel === 'sms' ? identity?.phone : identity?.email;
        if (!to) throw new Error('the person has no address for this channel any more');
        const text = renderTemplate(message.template as TemplateName, message.params, 'zh');
        await sender.send({ channel: message.channel, to, text });
        await trx
          .updateTable('notifications')
          .set({
            status: 'sent',
            sent_at: now,
            attempts: message.attempts + 1,
            last_error: null,
            // A sign-in code is a secret: once sent, the outbox need not keep it.
            ...(message.template === 'sign_in_code' ? { params: JSON.stringify({}) } : {}),
          })
          .where('id', '=', message.id)
          .execute();
        sent++;
      } catch (error) {
        const attempts = message.attempts + 1;
        await trx
          .updateTable('notifications')
          .set({
            status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
            attempts,
            last_error: error instanceof Error ? error.message : String(error),
            next_attempt_at: new Date(now.getTime() + backoffMinutes(attempts) * 60_000),
          })
          .where('id', '=', message.id)
          .execute();
        failed++;
      }
    }
  });
  return { sent, failed };
}
