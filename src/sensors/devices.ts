import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { requireLeafCategory } from '../organizations/index.ts';
import { type Keyring, open, seal } from '../privacy/index.ts';
import { badRule, deviceTypeTaken, unknownDeviceType } from './sensors.errors.ts';
import { type RuleKind, SILENCE_RULE } from './sensors.tables.ts';

export interface RuleInput {
  code: string;
  kind: RuleKind;
  threshold: number;
  categoryCode: string;
}

export interface DeviceTypeInput {
  code: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  silenceMinutes?: number;
  silenceCategoryCode?: string;
  rules: RuleInput[];
}

export interface DeviceType extends Omit<DeviceTypeInput, 'silenceMinutes' | 'silenceCategoryCode'> {
  silenceMinutes: number | null;
  silenceCategoryCode: string | null;
}

/** The MQTT topic a device publishes its readings on. */
export const readingsTopic = (deviceId: string) => `civicgrid/devices/${deviceId}/readings`;

/** Registers a device type and its rules; every category a rule files under must be a leaf category. */
export async function createDeviceType(db: Db, input: DeviceTypeInput, now: Date): Promise<DeviceType> {
  if ((input.silenceMinutes === undefined) !== (input.silenceCategoryCode === undefined))
    throw badRule('silenceMinutes and silenceCategoryCode go together');
  const codes = input.rules.map((r) => r.code);
  if (codes.includes(SILENCE_RULE))
    throw badRule(`"${SILENCE_RULE}" is the silence rule's code: give the rule another`);
  if (new Set(codes).size !== codes.length) throw badRule('Each rule of a device type needs a code of its own');
  for (const category of new Set([...input.rules.map((r) => r.categoryCode), input.silenceCategoryCode ?? []].flat()))
    await requireLeafCategory(db, category);
  return db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('sensor_device_types')
      .values({
        code: input.code,
        name_zh: input.nameZh,
        name_en: input.nameEn,
        unit: input.unit,
        silence_minutes: input.silenceMinutes ?? null,
        silence_category_code: input.silenceCategoryCode ?? null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!created) throw deviceTypeTaken(input.code);
    if (input.rules.length) {
      await trx
        .insertInto('sensor_rules')
        .values(
          input.rules.map((rule) => ({
            device_type_id: created.id,
            code: rule.code,
            kind: rule.kind,
            threshold: rule.threshold,
            category_code: rule.categoryCode,
          })),
        )
        .execute();
    }
    return {
      ...input,
      silenceMinutes: input.silenceMinutes ?? null,
      silenceCategoryCode: input.silenceCategoryCode ?? null,
    };
  });
}

export async function listDeviceTypes(db: Db): Promise<DeviceType[]> {
  const types = await db.selectFrom('sensor_device_types').selectAll().orderBy('code').execute();
  const rules = await db.selectFrom('sensor_rules').selectAll().orderBy('code').execute();
  return types.map((t) => ({
    code: t.code,
    nameZh: t.name_zh,
    nameEn: t.name_en,
    unit: t.unit,
    silenceMinutes: t.silence_minutes,
    silenceCategoryCode: t.silence_category_code,
    rules: rules
      .filter((r) => r.device_type_id === t.id)
      .map((r) => ({ code: r.code, kind: r.kind, threshold: r.threshold, categoryCode: r.category_code })),
  }));
}

export interface DeviceInput {
  typeCode: string;
  name: string;
  longitude: number;
  latitude: number;
}

/**
 * Registers a device and makes its key, returned this once. The key is sealed under the key file's
 * current key (bound to the device's id) rather than hashed: verifying an HMAC needs the key itself.
 */
export async function registerDevice(
  db: Db,
  keyring: Keyring,
  actor: Actor,
  input: DeviceInput,
  now: Date,
): Promise<{ id: string; deviceKey: string; topic: string }> {
  const type = await db
    .selectFrom('sensor_device_types')
    .select('id')
    .where('code', '=', input.typeCode)
    .executeTakeFirst();
  if (!type) throw unknownDeviceType(input.typeCode);
  const id = randomUUID();
  const deviceKey = `cgd_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('sensor_devices')
    .values({
      id,
      device_type_id: type.id,
      name: input.name,
      longitude: input.longitude,
      latitude: input.latitude,
      sealed_key: seal(keyring, deviceKey, id),
      key_id: keyring.current.id,
      created_at: now,
      created_by_user_id: actor.userId,
    })
    .execute();
  return { id, deviceKey, topic: readingsTopic(id) };
}

/** A device's key in clear, to check a signature; undefined for an unknown device. */
export async function deviceKeyOf(db: Db, keyring: Keyring, deviceId: string): Promise<string | undefined> {
  const row = await db.selectFrom('sensor_devices').select('sealed_key').where('id', '=', deviceId).executeTakeFirst();
  return row && open<string>(keyring, row.sealed_key, deviceId);
}

export interface DeviceSummary {
  id: string;
  name: string;
  typeCode: string;
  unit: string;
  longitude: number;
  latitude: number;
  createdAt: Date;
  lastMeasuredAt: Date | null;
  lastValue: number | null;
  lastReceivedAt: Date | null;
  /** Silent longer than its type allows (judged at `now`). */
  silent: boolean;
  counts: { accepted: number; duplicates: number; outOfOrder: number; malformed: number; refused: number };
  openCases: { ruleCode: string; caseNumber: string | null; breachAt: Date }[];
}

/** Every device with its latest reading, its counters and the cases its rules hold open. */
export async function listDevices(db: Db, now: Date, typeCode?: string): Promise<DeviceSummary[]> {
  let query = db
    .selectFrom('sensor_devices as d')
    .innerJoin('sensor_device_types as t', 't.id', 'd.device_type_id')
    .select([
      'd.id',
      'd.name',
      't.code as type_code',
      't.unit',
      't.silence_minutes',
      'd.longitude',
      'd.latitude',
      'd.created_at',
      'd.last_measured_at',
      'd.last_value',
      'd.last_received_at',
      'd.accepted_count',
      'd.duplicate_count',
      'd.out_of_order_count',
      'd.malformed_count',
      'd.refused_count',
    ])
    .select(
      sql<{ rule_code: string; case_number: string | null; breach_at: string }[]>`coalesce((
        select json_agg(json_build_object('rule_code', c.rule_code, 'case_number', k.case_number, 'breach_at', c.breach_at)
          order by c.rule_code)
        from sensor_cases c left join cases k on k.id = c.case_id
        where c.device_id = d.id and c.released_at is null), '[]'::json)`.as('open_cases'),
    )
    .orderBy('t.code')
    .orderBy('d.name');
  if (typeCode) query = query.where('t.code', '=', typeCode);
  const rows = await query.execute();
  return rows.map((r) => {
    const heard = r.last_received_at ?? r.created_at;
    return {
      id: r.id,
      name: r.name,
      typeCode: r.type_code,
      unit: r.unit,
      longitude: r.longitude,
      latitude: r.latitude,
      createdAt: r.created_at,
      lastMeasuredAt: r.last_measured_at,
      lastValue: r.last_value,
      lastReceivedAt: r.last_received_at,
      silent: r.silence_minutes !== null && now.getTime() - heard.getTime() > r.silence_minutes * 60_000,
      counts: {
        accepted: Number(r.accepted_count),
        duplicates: Number(r.duplicate_count),
        outOfOrder: Number(r.out_of_order_count),
        malformed: Number(r.malformed_count),
        refused: Number(r.refused_count),
      },
      openCases: r.open_cases.map((c) => ({
        ruleCode: c.rule_code,
        caseNumber: c.case_number,
        breachAt: new Date(c.breach_at),
      })),
    };
  });
}
