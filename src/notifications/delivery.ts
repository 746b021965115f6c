import type { Db } from '../db/database.ts';
import { type Keyring, open, openIdentity } from '../privacy/index.ts';
import type { MessageSender } from './senders.ts';
import { renderTemplate, type TemplateName } from './templates.ts';

/** After this many failed attempts a message is given up on (and shows as failed). */
export const MAX_ATTEMPTS = 6;

function backoffMinutes(attempts: number): number {
  return 2 ** attempts;
}

/** How long a message sent outside the sweep is left alone by the sweep while it is being sent. */
const SENDING_LEASE_MS = 2 * 60_000;

/** The outbox rows with what sending needs: the person's sealed identity, or the sign-in code's number. */
function messages(db: Db) {
  return db
    .selectFrom('notifications')
    .leftJoin('persons', 'persons.id', 'notifications.person_id')
    .leftJoin('sign_in_codes', 'sign_in_codes.id', 'notifications.sign_in_code_id')
    .select([
      'notifications.id',
      'notifications.channel',
      'notifications.template',
      'notifications.params',
      'notifications.attempts',
      'persons.id as person_id',
      'persons.sealed',
      'sign_in_codes.id as code_id',
      'sign_in_codes.sealed_phone',
      'sign_in_codes.expires_at as code_expires_at',
    ]);
}

type Message = Awaited<ReturnType<ReturnType<typeof messages>['executeTakeFirstOrThrow']>>;

/** Sends one claimed message and records the outcome: sent, or pending again after a back-off, or failed. */
async function send(db: Db, keyring: Keyring, sender: MessageSender, message: Message, now: Date): Promise<boolean> {
  try {
    const to = addressOf(keyring, message, now);
    const text = renderTemplate(message.template as TemplateName, message.params, 'zh');
    await sender.send({ channel: message.channel, to, text });
    await db
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
    return true;
  } catch (error) {
    // A code that can no longer be used is not worth sending: given up at once.
    const attempts = error instanceof ExpiredCode ? MAX_ATTEMPTS : message.attempts + 1;
    await db
      .updateTable('notifications')
      .set({
        status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        attempts,
        last_error: error instanceof Error ? error.message : String(error),
        next_attempt_at: new Date(now.getTime() + backoffMinutes(attempts) * 60_000),
      })
      .where('id', '=', message.id)
      .execute();
    return false;
  }
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
    const due = await messages(trx)
      .where('notifications.status', '=', 'pending')
      .where('notifications.next_attempt_at', '<=', now)
      .orderBy('notifications.next_attempt_at')
      .limit(batchSize)
      .forUpdate('notifications')
      .skipLocked()
      .execute();
    for (const message of due) {
      if (await send(trx, keyring, sender, message, now)) sent++;
      else failed++;
    }
  });
  return { sent, failed };
}

/**
 * Sends one message at once, right after the transaction that queued it committed (a sign-in code, which
 * a citizen is waiting for), instead of at the next sweep. It is claimed by a conditional update that
 * moves its next attempt a lease away, so neither the sweep nor another instance sends it meanwhile, and
 * it is sent outside any transaction (a slow gateway holds no lock). A message already claimed or sent
 * is left alone; one that fails, or whose sending this process does not live to record, is the sweep's
 * to retry. Returns whether it was sent now.
 */
export async function deliverNotificationNow(
  db: Db,
  keyring: Keyring,
  sender: MessageSender,
  notificationId: string,
  now: Date,
): Promise<boolean> {
  const claimed = await db
    .updateTable('notifications')
    .set({ next_attempt_at: new Date(now.getTime() + SENDING_LEASE_MS) })
    .where('id', '=', notificationId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return false;
  const message = await messages(db).where('notifications.id', '=', notificationId).executeTakeFirstOrThrow();
  return send(db, keyring, sender, message, now);
}

class ExpiredCode extends Error {}

/**
 * Where a message goes, opened only here, at the moment of sending (the outbox holds no address in clear):
 * the person's phone or email, or for a sign-in code the number it was asked for.
 */
function addressOf(
  keyring: Keyring,
  message: {
    channel: string;
    person_id: string | null;
    sealed: string | null;
    code_id: string | null;
    sealed_phone: string | null;
    code_expires_at: Date | null;
  },
  now: Date,
): string {
  if (message.code_id) {
    if (!message.sealed_phone || !message.code_expires_at || message.code_expires_at <= now) {
      throw new ExpiredCode('the sign-in code expired before it could be sent');
    }
    return open<string>(keyring, message.sealed_phone, message.code_id);
  }
  const identity = message.person_id ? openIdentity(keyring, message.person_id, message.sealed) : null;
  const to = message.channel === 'sms' ? identity?.phone : identity?.email;
  if (!to) throw new Error('the person has no address for this channel any more');
  return to;
}
