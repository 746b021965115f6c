import type { NotificationChannel } from './notifications.tables.ts';

export interface OutgoingMessage {
  channel: NotificationChannel;
  /** A phone number or an email address. */
  to: string;
  text: string;
}

/** One interface for every way a message leaves: the log in development, a gateway in production. */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}

/** Development: the message is written to the log instead of being sent. */
export function logSender(log: (line: object, message: string) => void): MessageSender {
  return {
    async send(message) {
      log({ channel: message.channel, to: message.to }, `notification (not sent, development): ${message.text}`);
    },
  };
}

/**
 * Production: the message is posted as JSON `{ channel, to, text }` to the city's messaging gateway (its
 * SMS platform or mail relay); a non-2xx answer is a failure and the outbox tries again later.
 */
export function gatewaySender(url: string, token: string | undefined): MessageSender {
  return {
    async send(message) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`gateway answered ${response.status}`);
    },
  };
}
