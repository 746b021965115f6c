import nodemailer from 'nodemailer';
import { maskPersonalData } from '../privacy/index.ts';
import type { NotificationChannel } from './notifications.tables.ts';

export interface OutgoingMessage {
  channel: NotificationChannel;
  /** A phone number or an email address. */
  to: string;
  text: string;
}

/** One interface for every way a message leaves: the log in development, SMS and email in production. */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}

/**
 * No sender for a channel: the message is written to the log instead of being sent. Its text only with
 * `showText` (development): in production a log line must never carry a sign-in code, or anyone who reads
 * the logs could sign in as anyone.
 */
export function logSender(log: (line: object, message: string) => void, options: { showText: boolean }): MessageSender {
  return {
    async send(message) {
      // The address masked even in development: logs travel further than the database.
      const to = maskPersonalData(message.to).masked;
      if (options.showText)
        log({ channel: message.channel, to }, `notification (not sent, development): ${message.text}`);
      else log({ channel: message.channel, to }, 'notification not sent: no sender is configured for its channel');
    },
  };
}

/**
 * Text messages through the city's SMS platform: `{ to, text }` is POSTed as JSON to its gateway (cities
 * run their own, in front of the operators' SMS services); a non-2xx answer is a failure the outbox retries.
 */
export function smsGatewaySender(url: string, token: string | undefined): MessageSender {
  return {
    async send(message) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
    },
  };
}

/** Email over SMTP (nodemailer), e.g. `smtp://user:password@mail.example.gov.cn:587`. */
export function smtpSender(smtpUrl: string, from: string): MessageSender {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: '12345 市民服务热线 / 12345 Citizen Service Hotline',
        text: message.text,
      });
    },
  };
}

/** Sends each message by the sender for its channel; channels with none configured go to `fallback`. */
export function senderByChannel(
  senders: Partial<Record<NotificationChannel, MessageSender>>,
  fallback: MessageSender,
): MessageSender {
  return { send: (message) => (senders[message.channel] ?? fallback).send(message) };
}
