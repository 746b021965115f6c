/** What the sensor feed tests share: a clock they move, a category to file under, a gauge type, its cases. */
import type { Db } from '../src/db/database.ts';
import type { Clock } from '../src/lib/clock.ts';
import type { DeviceTypeInput } from '../src/sensors/devices.ts';

/** A clock the test moves: readings are signed and judged "now". */
export function movableClock(start: string) {
  let at = new Date(start).getTime();
  const clock: Clock = { now: () => new Date(at) };
  return {
    clock,
    set: (iso: string) => {
      at = new Date(iso).getTime();
    },
  };
}

/** A leaf category of the demo taxonomy to file sensor cases under. */
export async function leafCategory(db: Db): Promise<string> {
  const row = await db
    .selectFrom('categories as c')
    .select('c.code')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('categories as child').select('child.id').whereRef('child.parent_id', '=', 'c.id'))),
    )
    .orderBy('c.code')
    .executeTakeFirstOrThrow();
  return row.code;
}

/** A water-level gauge type: above 5 m, faster than 0.1 m a minute, or 30 minutes silent each open a case. */
export function gaugeType(code: string, categoryCode: string): DeviceTypeInput {
  return {
    code,
    nameZh: '积水水位计',
    nameEn: 'Flood gauge',
    unit: 'm',
    silenceMinutes: 30,
    silenceCategoryCode: categoryCode,
    rules: [
      { code: 'high', kind: 'above', threshold: 5, categoryCode },
      { code: 'rate', kind: 'rate', threshold: 0.1, categoryCode },
    ],
  };
}

/** A device's sensor cases by rule, as the link table and the cases table both tell them, oldest claim first. */
export async function sensorCases(db: Db, deviceId: string) {
  return db
    .selectFrom('sensor_cases as s')
    .leftJoin('cases as c', 'c.id', 's.case_id')
    .select(['s.rule_code', 's.released_at', 'c.case_number', 'c.channel', 'c.status', 'c.longitude', 'c.latitude'])
    .where('s.device_id', '=', deviceId)
    .orderBy('s.claimed_at')
    .orderBy('s.rule_code')
    .execute();
}

/** Minutes after the tests' first reading (a Monday morning in December 2026), as an instant. */
export const T0 = '2026-12-07T02:00:00.000Z';
export const minute = (minutes: number) => new Date(new Date(T0).getTime() + minutes * 60_000).toISOString();
