/** The production senders against real local servers: an SMTP server and an HTTP SMS gateway. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logSender, senderByChannel, smsGatewaySender, smtpSender } from './senders.ts';

describe('message senders', () => {
  const mails: string[] = [];
  const texts: Array<{ body: unknown; auth: string | undefined }> = [];
  let smtp: SMTPServer;
  let smtpPort: number;
  let gateway: http.Server;
  let gatewayUrl: string;
  let gatewayStatus = 200;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          mails.push(raw);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    gateway = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        texts.push({ body: JSON.parse(body), auth: request.headers.authorization });
        response.writeHead(gatewayStatus).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
  });

  it('should send email over SMTP and text messages through the gateway, each by its channel', async () => {
    const logged: string[] = [];
    const sender = senderByChannel(
      {
        email: smtpSender(`smtp://127.0.0.1:${smtpPort}`, '12345 <noreply@changsha.example>'),
        sms: smsGatewaySender(gatewayUrl, 'secret'),
      },
      logSender((_details, message) => logged.push(message), { showText: true }),
    );
    await sender.send({ channel: 'email', to: 'reporter@example.org', text: '您反映的问题已办结。' });
    await sender.send({ channel: 'sms', to: '19900007777', text: '您反映的问题已受理。' });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/To: reporter@example.org/);
    expect(mails[0]).toMatch(/From: 12345 <noreply@changsha.example>/);
    expect(texts).toEqual([{ body: { to: '19900007777', text: '您反映的问题已受理。' }, auth: 'Bearer secret' }]);
    expect(logged).toEqual([]);
  });

  it('should fail (for the outbox to retry) when the gateway refuses, and log what has no sender', async () => {
    gatewayStatus = 503;
    await expect(smsGatewaySender(gatewayUrl, undefined).send({ channel: 'sms', to: '1', text: 'x' })).rejects.toThrow(
      /SMS gateway answered 503/,
    );
    const logged: string[] = [];
    await senderByChannel(
      {},
      logSender((_d, message) => logged.push(message), { showText: true }),
    ).send({
      channel: 'email',
      to: 'a@b.c',
      text: '测试',
    });
    expect(logged).toEqual(['notification (not sent, development): 测试']);
  });

  it('should never write a message text to the log in production, where it could be a sign-in code', async () => {
    const lines: Array<{ details: object; message: string }> = [];
    await logSender((details, message) => lines.push({ details, message }), { showText: false }).send({
      channel: 'sms',
      to: '13800138000',
      text: '【12345】您的登录验证码为 572955，5 分钟内有效。',
    });
    expect(JSON.stringify(lines)).not.toMatch(/572955|13800138000/);
    expect(lines).toEqual([
      {
        details: { channel: 'sms', to: '138****8000' },
        message: 'notification not sent: no sender is configured for its channel',
      },
    ]);
  });
});
