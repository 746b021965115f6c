import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { testKeyring } from '../../test/demo-city.ts';
import { recordPerson } from '../privacy/index.ts';
import { deliverDueNotifications, MAX_ATTEMPTS } from './delivery.ts';
import { enqueueNotifications } from './outbox.ts';
import type { MessageSender, OutgoingMessage } from './senders.ts';

const T0 = new Date('2026-11-20T02:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function recordingSender(fail: (message: OutgoingMessage) => boolean = () => false) {
  const sent: OutgoingMessage[] = [];
  const sender: MessageSender = {
    async send(message) {
      if (fail(message)) throw new Error('gateway unavailable');
      sent.push(message);
    },
  };
  return { sender, sent };
}

const keyring = testKeyring();

forEachDatabase('the notification outbox', (database) => {
  let phone: string;
  let email: string;
  let nobody: string;

  beforeAll(async () => {
    const { db } = database();
    phone = await recordPerson(db, keyring, { name: '李女士', phone: '19900007777' });
    email = await recordPerson(db, keyring, { email: 'reporter@example.org' });
    nobody = await recordPerson(db, keyring, { name: '匿名' });
  });

  it('should write to each person by the channel they can be reached on, and skip those with none', async () => {
    const { db } = database();
    const queued = await enqueueNotifications(
      db,
      [phone, email, nobody],
      { caseId: null, template: 'case_registered', params: { caseNumber: '2026-000001' } },
      T0,
    );
    expect(queued).toBe(2);
    const { sender, sent } = recordingSender();
    expect(await deliverDueNotifications(db, keyring, sender, T0)).toEqual({ sent: 2, failed: 0 });
    expect(sent).toEqual(
      expect.arrayContaining([
        { channel: 'sms', to: '19900007777', text: '您反映的问题已受理，编号 2026-000001。' },
        { channel: 'email', to: 'reporter@example.org', text: '您反映的问题已受理，编号 2026-000001。' },
      ]),
    );
    expect(await deliverDueNotifications(db, keyring, sender, T0)).toEqual({ sent: 0, failed: 0 });
  });

  it('should try a failed message again later, backing off, and give up after the last attempt', async () => {
    const { db } = database();
    await enqueueNotifications(
      db,
      [phone],
      { caseId: null, template: 'case_handled', params: { caseNumber: 'X' } },
      T0,
    );
    const down = recordingSender(() => true);
    expect(await deliverDueNotifications(db, keyring, down.sender, T0)).toEqual({ sent: 0, failed: 1 });
    // Not due again at once: the next attempt waits (2 minutes after the first failure).
    expect(await deliverDueNotifications(db, keyring, down.sender, minutes(1))).toEqual({ sent: 0, failed: 0 });
    let at = 2;
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await deliverDueNotifications(db, keyring, down.sender, minutes(at)), `attempt ${attempt}`).toEqual({
        sent: 0,
        failed: 1,
      });
      at += 2 ** attempt;
    }
    const row = await db
      .selectFrom('notifications')
      .select(['status', 'attempts', 'last_error'])
      .where('template', '=', 'case_handled')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'gateway unavailable' });
    const up = recordingSender();
    expect(await deliverDueNotifications(db, keyring, up.sender, minutes(10_000))).toEqual({ sent: 0, failed: 0 });
  });

  it('should send each message once when two instances deliver at the same time', async () => {
    const { db } = database();
    const people = [];
    for (let i = 0; i < 30; i++)
      people.push(await recordPerson(db, keyring, { phone: `1990001${String(i).padStart(4, '0')}` }));
    await enqueueNotifications(db, people, { caseId: null, template: 'case_closed', params: { caseNumber: 'Y' } }, T0);
    const { sender, sent } = recordingSender();
    const results = await Promise.all([0, 1, 2].map(() => deliverDueNotifications(db, keyring, sender, T0, 7)));
    let total = results.reduce((n, r) => n + r.sent, 0);
    while (total < 30) {
      const more = await deliverDueNotifications(db, keyring, sender, T0, 7);
      if (!more.sent) break;
      total += more.sent;
    }
    expect(sent.filter((m) => m.text.includes('Y'))).toHaveLength(30);
    expect(new Set(sent.filter((m) => m.text.includes('Y')).map((m) => m.to)).size).toBe(30);
  });
});

describe('message text', () => {
  it('should read in either language', async () => {
    const { renderTemplate } = await import('./templates.ts');
    expect(renderTemplate('case_merged', { parentCaseNumber: '2026-000009' }, 'en')).toBe(
      'Your report was joined to case 2026-000009; you will hear about its progress.',
    );
  });
});
