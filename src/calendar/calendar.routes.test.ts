import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { forEachDatabase } from '../../test/db.ts';
import { buildTestApp, loadSmallDemoCity } from '../../test/demo-city.ts';

forEachDatabase('working calendar API', (database) => {
  let app: FastifyInstance;
  let as: (username: string) => Promise<Record<string, string>>;
  const now = new Date('2027-01-04T01:00:00Z'); // Monday 4 January 2027, 09:00 city time

  beforeAll(async () => {
    const { areas } = await loadSmallDemoCity(database(), 0);
    ({ app, as } = await buildTestApp(database(), areas, { now: () => now }));
  });

  const newYear2027 = [
    { date: '2027-01-01', kind: 'holiday', nameZh: '元旦', nameEn: "New Year's Day" },
    { date: '2027-01-04', kind: 'holiday', nameZh: '元旦', nameEn: "New Year's Day" },
    { date: '2027-01-09', kind: 'workday', nameZh: '元旦调休上班', nameEn: "New Year's adjusted working day" },
  ];

  it('should ship the 2026 national calendar', async () => {
    const response = await app.inject({ url: '/api/v1/calendar/2026', headers: await as('citizen') });
    expect(response.statusCode).toBe(200);
    const { days, minutesPerWorkingDay } = response.json();
    expect(minutesPerWorkingDay).toBe(480);
    expect(days.filter((d: { kind: string }) => d.kind === 'workday').map((d: { date: string }) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
  });

  it("should let an administrator load next year's calendar, and count deadlines on it at once", async () => {
    const asDispatcher = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      headers: await as('dispatcher'),
      payload: { days: newYear2027 },
    });
    expect(asDispatcher.statusCode).toBe(403);
    const loaded = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      headers: await as('admin'),
      payload: { days: newYear2027 },
    });
    expect(loaded.statusCode, loaded.body).toBe(200);
    expect(loaded.json().days).toHaveLength(3);

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await as('dispatcher'),
      payload: { title: '路灯不亮', description: '', categoryCode: '010204', address: '五一大道' },
    });
    const { caseNumber } = created.json();
    for (const action of ['register', 'dispatch']) {
      await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseNumber}/actions`,
        headers: await as('dispatcher'),
        payload: { action },
      });
    }
    const detail = (await app.inject({ url: `/api/v1/cases/${caseNumber}`, headers: await as('dispatcher') })).json();
    const response = detail.deadlines.find((d: { kind: string }) => d.kind === 'response');
    // Monday 4 January is now a holiday: the clock starts on Tuesday at 09:00.
    expect(new Date(response.dueAt).getTime()).toBeGreaterThanOrEqual(new Date('2027-01-05T01:00:00Z').getTime());
  });

  it('should refuse a calendar with mistakes, naming each', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/v1/calendar/2027',
      headers: await as('admin'),
      payload: {
        days: [
          { date: '2027-01-05', kind: 'workday', nameZh: '错', nameEn: 'Wrong' }, // a Tuesday is a working day anyway
          { date: '2026-12-31', kind: 'holiday', nameZh: '错', nameEn: 'Wrong year' },
          { date: '2027-01-01', kind: 'holiday', nameZh: '元旦', nameEn: 'New Year' },
          { date: '2027-01-01', kind: 'holiday', nameZh: '元旦', nameEn: 'New Year' },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('CALENDAR_ERR_INVALID');
    expect(error.details.problems.join('\n')).toMatch(/2027-01-05[\s\S]*2027-01-01[\s\S]*2026-12-31 is not in 2027/);
    // Nothing was changed.
    const kept = (await app.inject({ url: '/api/v1/calendar/2027', headers: await as('admin') })).json();
    expect(kept.days).toHaveLength(3);
  });
});
