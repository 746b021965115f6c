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

/** Development: the message is written to the log instead of being sent. */
export function logSender(log: (line: object, message: string) => void): MessageSender {
  return {
    async send(message) {
      // The address masked even in development: logs travel further than the database.
      log(
        { channel: message.channel, to: maskPersonalData(message.to).masked },
        `notification (not sent, development): ${message.text}`,
      );
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
