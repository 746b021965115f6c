import type { Generated, JSONColumnType } from 'kysely';

export const NOTIFICATION_CHANNELS = ['sms', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * The outbox: a message to a person, written in the same transaction as the step it tells of (so a step
 * is never taken without its message, nor a message sent for a step that rolled back), sent by a sweep.
 */
export interface NotificationTable {
  id: Generated<string>;
  /** The person it goes to; null for a sign-in code, which goes to the number it was asked for. */
  person_id: string | null;
  sign_in_code_id: Generated<string | null>;
  case_id: string | null;
  channel: NotificationChannel;
  /** Which message (see templates.ts); the text is made when it is sent, in the person's language. */
  template: string;
  params: JSONColumnType<Record<string, string>>;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface NotificationsTables {
  notifications: NotificationTable;
}
