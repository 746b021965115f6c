import { sql } from 'kysely';
import { type CaseDeps, reportCase } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { type Actor, actorForUsername } from '../organizations/index.ts';
import { SILENCE_RULE } from './sensors.tables.ts';

/** The account sensor cases are reported under: no password, no token, so nobody can sign in as it. */
export const SENSOR_SYSTEM_USERNAME = 'civicgrid.sensors';

/**
 * A claim whose case was never filed (its process ended between the claim and the case) is given up after
 * this long, so the pair is not blocked for ever; filing a case takes well under a second.
 */
const ABANDONED_CLAIM_MS = 10 * 60_000;

/** Case statuses after which a (device, rule) may open a new case: the loop is over for this one. */
const FINISHED = ['closed', 'cancelled', 'merged'] as const;

/**
 * The sensor system as an actor: a desk account with the whole city as its reach (a device may be
 * anywhere in it), made on first use. Two instances making it at once make one (the user name is unique).
 */
export async function sensorActor(db: Db): Promise<Actor> {
  await db
    .insertInto('users')
    .values({
      username: SENSOR_SYSTEM_USERNAME,
      display_name: '物联感知 Sensors',
      role: 'dispatcher',
      handling_body_id: null,
      person_id: null,
      city_wide: true,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .execute();
  const actor = await actorForUsername(db, SENSOR_SYSTEM_USERNAME);
  if (!actor) throw new Error(`The sensor system's account ${SENSOR_SYSTEM_USERNAME} could not be read`);
  return actor;
}

export interface Breach {
  deviceId: string;
  deviceName: string;
  longitude: number;
  latitude: number;
  ruleCode: string;
  categoryCode: string;
  /** The breaching reading's time, or when a silent device was last heard from. */
  at: Date;
  value: number | null;
  /** What the case says happened, in the words of the rule. */
  description: string;
}

/**
 * Opens a case for a breach unless the (device, rule) holds an open one already: the claim is an insert
 * the partial unique index `sensor_cases_one_open` lets through once, so duplicated deliveries and several
 * instances file one case. Claims whose case has finished its loop are released first. Returns the new
 * case's number, or null when the pair's case is still open.
 */
export async function openRuleCase(deps: CaseDeps, breach: Breach): Promise<string | null> {
  const { db } = deps;
  const now = deps.clock.now();
  await db
    .updateTable('sensor_cases')
    .set({ released_at: now })
    .where('device_id', '=', breach.deviceId)
    .where('rule_code', '=', breach.ruleCode)
    .where('released_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('case_id', 'in', eb.selectFrom('cases').select('cases.id').where('cases.status', 'in', FINISHED)),
        eb.and([eb('case_id', 'is', null), eb('claimed_at', '<', new Date(now.getTime() - ABANDONED_CLAIM_MS))]),
      ]),
    )
    .execute();
  const claim = await db
    .insertInto('sensor_cases')
    .values({
      device_id: breach.deviceId,
      rule_code: breach.ruleCode,
      case_id: null,
      breach_at: breach.at,
      value: breach.value,
      claimed_at: now,
    })
    .onConflict((oc) => oc.columns(['device_id', 'rule_code']).where('released_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!claim) return null;
  try {
    const caseNumber = await reportCase(
      deps,
      await sensorActor(db),
      {
        title: `${breach.deviceName}：${breach.description}`.slice(0, 200),
        description: `物联感知设备「${breach.deviceName}」（${breach.deviceId}）规则 ${breach.ruleCode}：${breach.description}。时间 ${breach.at.toISOString()}。`,
        categoryCode: breach.categoryCode,
        location: { longitude: breach.longitude, latitude: breach.latitude },
      },
      'sensor',
    );
    await db
      .updateTable('sensor_cases')
      .set({ case_id: sql`(select id from cases where case_number = ${caseNumber})` })
      .where('id', '=', claim.id)
      .execute();
    return caseNumber;
  } catch (error) {
    // No case was filed: give the claim up so that the next breach tries again.
    await db.deleteFrom('sensor_cases').where('id', '=', claim.id).execute();
    throw error;
  }
}

/**
 * Raises a case for each device silent longer than its type allows, once per silent spell (a spell is
 * known by when the device was last heard from): a device still silent after its case closed does not
 * raise another until it has been heard from and fallen silent again. Idempotent, and safe on several
 * instances at once: the claim in openRuleCase decides.
 */
export async function runSilenceSweep(
  deps: CaseDeps,
  onError: (deviceId: string, error: unknown) => void,
  batchSize = 100,
): Promise<{ cases: number }> {
  const now = deps.clock.now();
  const silent = await deps.db
    .selectFrom('sensor_devices as d')
    .innerJoin('sensor_device_types as t', 't.id', 'd.device_type_id')
    .select(['d.id', 'd.name', 'd.longitude', 'd.latitude', 't.silence_minutes', 't.silence_category_code'])
    .select(sql<Date>`coalesce(d.last_received_at, d.created_at)`.as('heard_at'))
    .where('t.silence_minutes', 'is not', null)
    .where(sql<boolean>`coalesce(d.last_received_at, d.created_at) + t.silence_minutes * interval '1 minute' < ${now}`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('sensor_cases as c')
            .select('c.id')
            .whereRef('c.device_id', '=', 'd.id')
            .where('c.rule_code', '=', SILENCE_RULE)
            .where(sql<boolean>`c.breach_at = coalesce(d.last_received_at, d.created_at)`),
        ),
      ),
    )
    .orderBy('d.id')
    .limit(batchSize)
    .execute();
  let cases = 0;
  for (const device of silent) {
    try {
      const opened = await openRuleCase(deps, {
        deviceId: device.id,
        deviceName: device.name,
        longitude: device.longitude,
        latitude: device.latitude,
        ruleCode: SILENCE_RULE,
        categoryCode: device.silence_category_code!,
        at: new Date(device.heard_at),
        value: null,
        description: `设备已 ${Math.floor((now.getTime() - new Date(device.heard_at).getTime()) / 60_000)} 分钟无数据（上限 ${device.silence_minutes} 分钟）`,
      });
      if (opened) cases++;
    } catch (error) {
      onError(device.id, error);
    }
  }
  return { cases };
}
