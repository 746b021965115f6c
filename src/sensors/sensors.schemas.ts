import { Type } from 'typebox';
import { DateTime, Nullable, Uuid } from '../lib/http-schemas.ts';
import { RULE_KINDS } from './sensors.tables.ts';

const Code = Type.String({ pattern: '^[a-z0-9_-]{1,32}$' });
const CategoryCode = Type.String({ pattern: '^[0-9A-Za-z_-]{1,32}$' });

const RuleKind = Type.Union([Type.Literal(RULE_KINDS[0]), Type.Literal(RULE_KINDS[1]), Type.Literal(RULE_KINDS[2])], {
  description: 'above / below: the value against the threshold; rate: its change per minute, either way',
});

const Rule = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'Not "silence": that is the silence rule' }),
    kind: RuleKind,
    threshold: Type.Number({ description: "In the type's unit (per minute for rate)" }),
    categoryCode: CategoryCode,
  },
  { additionalProperties: false },
);

export const DeviceTypeBody = Type.Object(
  {
    code: Code,
    nameZh: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
    unit: Type.String({ minLength: 1, maxLength: 20 }),
    silenceMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600 })),
    silenceCategoryCode: Type.Optional(CategoryCode),
    rules: Type.Array(Rule, { maxItems: 20 }),
  },
  { additionalProperties: false },
);

export const DeviceTypeResponse = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  unit: Type.String(),
  silenceMinutes: Nullable(Type.Integer()),
  silenceCategoryCode: Nullable(Type.String()),
  rules: Type.Array(
    Type.Object({ code: Type.String(), kind: RuleKind, threshold: Type.Number(), categoryCode: Type.String() }),
  ),
});

export const DeviceBody = Type.Object(
  {
    typeCode: Code,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    longitude: Type.Number({ minimum: -180, maximum: 180, description: 'WGS-84' }),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);

export const NewDeviceResponse = Type.Object({
  id: Uuid,
  deviceKey: Type.String({ description: 'Shown this once: the device signs its messages with it' }),
  topic: Type.String({ description: 'Where the device publishes over MQTT' }),
});

export const DeviceListQuery = Type.Object({ type: Type.Optional(Code) }, { additionalProperties: false });

export const DeviceResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  typeCode: Type.String(),
  unit: Type.String(),
  longitude: Type.Number(),
  latitude: Type.Number(),
  createdAt: DateTime,
  lastMeasuredAt: Nullable(DateTime),
  lastValue: Nullable(Type.Number()),
  lastReceivedAt: Nullable(DateTime),
  silent: Type.Boolean({ description: "Heard from longer ago than its type's silence limit" }),
  counts: Type.Object({
    accepted: Type.Integer(),
    duplicates: Type.Integer(),
    outOfOrder: Type.Integer(),
    malformed: Type.Integer(),
    refused: Type.Integer({ description: 'Messages refused for their signature or timestamp' }),
  }),
  openCases: Type.Array(
    Type.Object({ ruleCode: Type.String(), caseNumber: Nullable(Type.String()), breachAt: DateTime }),
  ),
});

export const DeviceParams = Type.Object({ deviceId: Type.String({ maxLength: 64 }) });

export const IntakeResponse = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer({ description: 'Readings this device had sent already (same measuredAt): ignored' }),
  outOfOrder: Type.Integer({ description: "Accepted readings measured before the device's latest" }),
  malformed: Type.Integer(),
  cases: Type.Array(Type.String(), { description: 'Cases the readings opened' }),
});
