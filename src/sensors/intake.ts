import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { appendAudit, type RequestOrigin } from '../audit/index.ts';
import type { CaseDeps } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { deviceKeyOf } from './devices.ts';
import { type Breach, openRuleCase } from './rule-cases.ts';
import { badSignature, malformedReadings, staleTimestamp } from './sensors.errors.ts';
import type { RuleKind } from './sensors.tables.ts';

/** A signed message may be this far from the server's clock: replays older than this are refused. */
const TIMESTAMP_TOLERANCE_SECONDS = 300;
/** A reading measured further ahead than this is a device clock gone wrong, not a reading. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Readings one message may carry. */
const MAX_READINGS_PER_MESSAGE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
/** ISO-8601 with a time and an offset: a reading's time must say which instant it is. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A message as it came, by HTTP (headers) or MQTT (the envelope's fields): nothing of it is trusted yet. */
export interface SignedMessage {
  deviceId: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** The exact body that was signed (UTF-8 JSON). */
  body: string;
  via: 'http' | 'mqtt';
  origin: RequestOrigin;
}

export interface IntakeResult {
  accepted: number;
  duplicates: number;
  outOfOrder: number;
  malformed: number;
  /** Numbers of the cases the readings opened. */
  cases: string[];
}

/** The signature a device sends: HMAC-SHA256 with its key over "<timestamp>.<body>", in hex. */
export function signReadings(deviceKey: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', deviceKey).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Takes in one signed message of readings, from HTTP or MQTT alike: checks the signature (constant-time)
 * and the timestamp, then stores each reading once (a repeated one is a duplicate, ignored and counted),
 * counts those measured before the device's latest as out of order, counts malformed ones, and judges the
 * rules; a breach opens a case unless the (device, rule) holds an open one. A refused message is counted on
 * its device and written to the audit trail. Throws 401 for a refused message, 400 when any reading was
 * malformed (the others are kept: one bad reading does not lose a batch). A case that cannot be filed (its
 * rule's category was removed from the taxonomy) goes to `onCaseError`: the readings are stored, and the
 * device is not told to send again what it sent right.
 */
export async function takeReadings(
  deps: CaseDeps,
  message: SignedMessage,
  onCaseError: (ruleCode: string, error: unknown) => void,
): Promise<IntakeResult> {
  const { db, keyring } = deps;
  const now = deps.clock.now();
  const known = UUID.test(message.deviceId);
  const key = known ? await deviceKeyOf(db, keyring, message.deviceId) : undefined;
  const given = SIGNATURE.exec(message.signature ?? '')?.[1];
  const timestamp = message.timestamp ?? '';
  if (!key || !given || !/^\d{1,12}$/.test(timestamp) || !sameHex(signReadings(key, timestamp, message.body), given)) {
    await refuse(db, deps, message, key ? 'signature' : 'unknown device', now);
    throw badSignature();
  }
  const skew = Math.round(Math.abs(now.getTime() / 1000 - Number(timestamp)));
  if (skew > TIMESTAMP_TOLERANCE_SECONDS) {
    await refuse(db, deps, message, 'stale timestamp', now);
    throw staleTimestamp(skew, TIMESTAMP_TOLERANCE_SECONDS);
  }

  const { readings, problems } = parseReadings(message.body, now);
  const { result, breaches } = await db.transaction().execute(async (trx) => {
    // The device's row is the queue its messages take turns in: counters and "latest" stay exact.
    const device = await trx
      .selectFrom('sensor_devices as d')
      .innerJoin('sensor_device_types as t', 't.id', 'd.device_type_id')
      .select(['d.id', 'd.name', 'd.longitude', 'd.latitude', 'd.last_measured_at', 'd.last_value', 't.id as type_id'])
      .select(['t.unit'])
      .where('d.id', '=', message.deviceId)
      .forUpdate('d')
      .executeTakeFirstOrThrow();
    const rules = await trx
      .selectFrom('sensor_rules')
      .select(['code', 'kind', 'threshold', 'category_code'])
      .where('device_type_id', '=', device.type_id)
      .execute();
    const counts = { accepted: 0, duplicates: 0, outOfOrder: 0 };
    let latest = device.last_measured_at ? { at: device.last_measured_at, value: device.last_value! } : null;
    const found: Breach[] = [];
    for (const reading of readings) {
      const stored = await trx
        .insertInto('sensor_readings')
        .values({
          device_id: device.id,
          measured_at: reading.at,
          value: reading.value,
          received_at: now,
          via: message.via,
        })
        .onConflict((oc) => oc.columns(['device_id', 'measured_at']).doNothing())
        .returning('measured_at')
        .executeTakeFirst();
      if (!stored) {
        counts.duplicates++;
        continue;
      }
      counts.accepted++;
      if (latest && reading.at < latest.at) counts.outOfOrder++;
      else latest = reading;
      for (const rule of rules) {
        for (const breach of await judge(trx, device.id, rule, reading)) {
          found.push({
            deviceId: device.id,
            deviceName: device.name,
            longitude: device.longitude,
            latitude: device.latitude,
            ruleCode: rule.code,
            categoryCode: rule.category_code,
            at: breach.at,
            value: breach.value,
            description: describe(rule.kind, rule.threshold, device.unit, breach),
          });
        }
      }
    }
    await trx
      .updateTable('sensor_devices')
      .set({
        last_measured_at: latest?.at ?? null,
        last_value: latest?.value ?? null,
        last_received_at: now,
        accepted_count: sql`accepted_count + ${counts.accepted}`,
        duplicate_count: sql`duplicate_count + ${counts.duplicates}`,
        out_of_order_count: sql`out_of_order_count + ${counts.outOfOrder}`,
        malformed_count: sql`malformed_count + ${problems.length}`,
      })
      .where('id', '=', device.id)
      .execute();
    return { result: { ...counts, malformed: problems.length }, breaches: found };
  });

  // One case at most per rule and message: the first breach speaks for the others.
  const cases: string[] = [];
  const seen = new Set<string>();
  for (const breach of breaches) {
    if (seen.has(breach.ruleCode)) continue;
    seen.add(breach.ruleCode);
    try {
      const opened = await openRuleCase(deps, breach);
      if (opened) cases.push(opened);
    } catch (error) {
      onCaseError(breach.ruleCode, error);
    }
  }
  if (problems.length) throw malformedReadings(problems, { ...result, cases: cases.length });
  return { ...result, cases };
}

function sameHex(expected: string, givenHex: string): boolean {
  const a = Buffer.from(expected.slice('sha256='.length), 'hex');
  const b = Buffer.from(givenHex.toLowerCase(), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Counts a refused message on its device (when there is one) and writes it to the audit trail. */
async function refuse(db: Db, deps: CaseDeps, message: SignedMessage, reason: string, now: Date) {
  await db.transaction().execute(async (trx) => {
    if (reason !== 'unknown device') {
      await trx
        .updateTable('sensor_devices')
        .set({ refused_count: sql`refused_count + 1` })
        .where('id', '=', message.deviceId)
        .execute();
    }
    await appendAudit(trx, deps.keyring, {
      at: now,
      actorUserId: null,
      actorRole: null,
      action: 'sensor.reading_refused',
      subjectType: 'sensor_device',
      // An id that is not one is not written: the trail holds what we know, not what a caller typed.
      ...(UUID.test(message.deviceId) ? { subjectId: message.deviceId } : {}),
      details: { via: message.via, reason },
      ...message.origin,
    });
  });
}

interface Reading {
  at: Date;
  value: number;
}

/** A message's readings, and what was wrong with the others (by their place in the message). */
export function parseReadings(body: string, now: Date) {
  const readings: Reading[] = [];
  const problems: { index: number | null; reason: string }[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    problems.push({ index: null, reason: 'the body is not JSON' });
    return { readings, problems };
  }
  const list =
    parsed !== null && typeof parsed === 'object' && 'readings' in parsed
      ? (parsed as { readings: unknown }).readings
      : [parsed];
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({ index: null, reason: 'send a reading { measuredAt, value } or { readings: [...] }' });
    return { readings, problems };
  }
  if (list.length > MAX_READINGS_PER_MESSAGE) {
    problems.push({ index: null, reason: `at most ${MAX_READINGS_PER_MESSAGE} readings a message` });
    return { readings, problems };
  }
  list.forEach((item, index) => {
    const { measuredAt, value } = (item ?? {}) as { measuredAt?: unknown; value?: unknown };
    if (typeof measuredAt !== 'string' || !INSTANT.test(measuredAt) || Number.isNaN(Date.parse(measuredAt)))
      problems.push({ index, reason: 'measuredAt must be an ISO-8601 instant with its offset' });
    else if (typeof value !== 'number' || !Number.isFinite(value))
      problems.push({ index, reason: 'value must be a finite number' });
    else if (Date.parse(measuredAt) > now.getTime() + FUTURE_TOLERANCE_MS)
      problems.push({ index, reason: 'measuredAt is in the future' });
    else readings.push({ at: new Date(measuredAt), value });
  });
  return { readings, problems };
}

/**
 * Whether a new reading breaches a rule. A threshold judges the reading; a rate of change judges it against
 * the reading before it in time (not the one that arrived before it), and the reading after it against it,
 * so a late reading is judged between its real neighbours.
 */
async function judge(
  trx: Db,
  deviceId: string,
  rule: { kind: RuleKind; threshold: number },
  reading: Reading,
): Promise<{ at: Date; value: number; perMinute?: number }[]> {
  if (rule.kind === 'above') return reading.value > rule.threshold ? [reading] : [];
  if (rule.kind === 'below') return reading.value < rule.threshold ? [reading] : [];
  const neighbour = (side: 'before' | 'after') =>
    trx
      .selectFrom('sensor_readings')
      .select(['measured_at', 'value'])
      .where('device_id', '=', deviceId)
      .where('measured_at', side === 'before' ? '<' : '>', reading.at)
      .orderBy('measured_at', side === 'before' ? 'desc' : 'asc')
      .limit(1)
      .executeTakeFirst();
  const breaches: { at: Date; value: number; perMinute: number }[] = [];
  const before = await neighbour('before');
  const after = await neighbour('after');
  for (const [from, to] of [
    [before && { at: before.measured_at, value: before.value }, reading],
    [reading, after && { at: after.measured_at, value: after.value }],
  ] as const) {
    if (!from || !to) continue;
    const perMinute = (to.value - from.value) / ((to.at.getTime() - from.at.getTime()) / 60_000);
    if (Math.abs(perMinute) > rule.threshold) breaches.push({ at: to.at, value: to.value, perMinute });
  }
  return breaches;
}

function describe(kind: RuleKind, threshold: number, unit: string, breach: { value: number; perMinute?: number }) {
  if (kind === 'above') return `读数 ${breach.value} ${unit} 高于阈值 ${threshold} ${unit}`;
  if (kind === 'below') return `读数 ${breach.value} ${unit} 低于阈值 ${threshold} ${unit}`;
  return `读数每分钟变化 ${breach.perMinute!.toFixed(3)} ${unit}，超过 ${threshold} ${unit}/分钟`;
}
