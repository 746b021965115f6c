import type { ColumnType, Generated } from 'kysely';

/** What a rule compares: the value above or below its threshold, or its change per minute (either way). */
export const RULE_KINDS = ['above', 'below', 'rate'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** The rule a device raises when it has sent nothing for its type's silence limit. */
export const SILENCE_RULE = 'silence';

/** `bigint` counters: PostgreSQL hands them as strings; they are written as numbers. */
type Counter = ColumnType<string, number | undefined, number | string>;

/** A kind of device (a water-level gauge, a manhole-cover tilt sensor), its unit and its silence limit. */
export interface SensorDeviceTypeTable {
  id: Generated<string>;
  code: string;
  name_zh: string;
  name_en: string;
  unit: string;
  /** A device of this type silent this long raises a case in `silence_category_code`; null: never. */
  silence_minutes: number | null;
  silence_category_code: string | null;
  created_at: Date;
}

/** A rule of a device type: a breach opens a case in its category at the device's point. */
export interface SensorRuleTable {
  id: Generated<string>;
  device_type_id: string;
  code: string;
  kind: RuleKind;
  /** In the type's unit; for `rate`, in the unit per minute. */
  threshold: number;
  category_code: string;
}

export interface SensorDeviceTable {
  id: Generated<string>;
  device_type_id: string;
  name: string;
  /** WGS-84. */
  longitude: number;
  latitude: number;
  /** The device key, sealed with the key file's current key (bound to the device id): HMACs need it in clear. */
  sealed_key: string;
  key_id: string;
  created_at: Date;
  created_by_user_id: string | null;
  /** The latest reading by its own time (not by arrival). */
  last_measured_at: Date | null;
  last_value: number | null;
  /** When the device was last heard from (a signed message, whatever it held): silence is measured from here. */
  last_received_at: Date | null;
  accepted_count: Counter;
  duplicate_count: Counter;
  out_of_order_count: Counter;
  malformed_count: Counter;
  /** Messages with a bad or missing signature, or a stale timestamp, for this device. */
  refused_count: Counter;
}

/** One reading; the table is partitioned by month on `measured_at` (see the migration). */
export interface SensorReadingTable {
  device_id: string;
  measured_at: Date;
  value: number;
  received_at: Date;
  via: 'http' | 'mqtt';
}

/** The case a (device, rule) opened; at most one unreleased row per pair (a partial unique index). */
export interface SensorCaseTable {
  id: Generated<string>;
  device_id: string;
  rule_code: string;
  /** Null between the claim and the filing of its case. */
  case_id: string | null;
  /** The breaching reading's time, or for silence when the device was last heard from. */
  breach_at: Date;
  value: number | null;
  claimed_at: Date;
  /** Set once the case is closed, cancelled or merged: the pair may open a new case. */
  released_at: Date | null;
}

export interface SensorsTables {
  sensor_device_types: SensorDeviceTypeTable;
  sensor_rules: SensorRuleTable;
  sensor_devices: SensorDeviceTable;
  sensor_readings: SensorReadingTable;
  sensor_cases: SensorCaseTable;
}
