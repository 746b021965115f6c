import { Type } from 'typebox';
import { Uuid } from '../lib/http-schemas.ts';
import { CLEARANCES, HANDLING_BODY_TYPES, ROLES } from './organizations.tables.ts';

const RoleSchema = Type.Enum(ROLES);

export const CategoryResponse = Type.Object({
  code: Type.String(),
  level: Type.Integer(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  nameZh: Type.String(),
  nameEn: Type.String(),
  defaultBodyId: Type.Union([Uuid, Type.Null()]),
  responseLimitHours: Type.Union([Type.Integer(), Type.Null()]),
  handlingLimitDays: Type.Union([Type.Integer(), Type.Null()]),
  afterPhotoRequired: Type.Boolean({ description: "'handle' needs a photo after handling (处置后照片)" }),
  verificationPhotoRequired: Type.Boolean({ description: "A grid worker's 'verify_pass' needs a photo (核查照片)" }),
});

export const EvidenceRulesBody = Type.Object(
  { afterPhotoRequired: Type.Boolean(), verificationPhotoRequired: Type.Boolean() },
  { additionalProperties: false },
);

export const CategoryListQuery = Type.Object(
  {
    parent: Type.Optional(Type.String({ pattern: '^([0-9]{2}){1,2}$', description: 'Only the children of this code' })),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
  },
  { additionalProperties: false },
);

export const CategoryParams = Type.Object({ code: Type.String({ pattern: '^([0-9]{2}){1,3}$' }) });

export const HandlingBodyResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  type: Type.Enum(HANDLING_BODY_TYPES),
  parentId: Type.Union([Uuid, Type.Null()]),
});

export const MeResponse = Type.Object({
  userId: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  handlingBodyId: Type.Union([Uuid, Type.Null()]),
});

export const DemoUsersResponse = Type.Object({
  password: Type.String(),
  users: Type.Array(Type.Object({ username: Type.String(), displayName: Type.String(), role: RoleSchema })),
});

/** Where a staff member's work reaches: the whole city, or their areas (none: no cases). */
export const ReachSchema = Type.Union([
  Type.Literal('city'),
  Type.Array(Type.String({ pattern: '^[0-9]{2,15}$' }), { maxItems: 200, uniqueItems: true }),
]);

export const StaffMemberResponse = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  handlingBodyId: Type.Union([Uuid, Type.Null()]),
  reach: Type.Union([ReachSchema, Type.Null()], {
    description: "'city', the areas the user works in ([]: no cases at all), or null for handlers (their body's cases)",
  }),
  clearance: Type.Enum(CLEARANCES),
  disabled: Type.Boolean(),
});

const StaffRole = Type.Enum(ROLES.filter((role) => role !== 'citizen'));
const DisplayName = Type.String({ minLength: 1, maxLength: 100 });

export const NewStaffMemberBody = Type.Object(
  {
    username: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$',
      description: 'Sign-in name, kept in lower case',
    }),
    displayName: DisplayName,
    role: StaffRole,
    handlingBodyId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: "A handler's body; only handlers" })),
    reach: Type.Optional(ReachSchema),
    password: Type.String({ minLength: 1, maxLength: 200, description: 'The first password; the user changes it' }),
  },
  { additionalProperties: false },
);

export const StaffChangesBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(StaffRole),
    handlingBodyId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    clearance: Type.Optional(Type.Enum(CLEARANCES)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }) });

const BodyName = Type.String({ minLength: 1, maxLength: 100 });
export const HandlingBodyCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,63}$' });

export const NewHandlingBodyBody = Type.Object(
  {
    code: HandlingBodyCode,
    nameZh: BodyName,
    nameEn: BodyName,
    type: Type.Enum(HANDLING_BODY_TYPES),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The superior body (上级单位)' })),
  },
  { additionalProperties: false },
);

export const HandlingBodyChangesBody = Type.Object(
  {
    nameZh: Type.Optional(BodyName),
    nameEn: Type.Optional(BodyName),
    type: Type.Optional(Type.Enum(HANDLING_BODY_TYPES)),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CategoryChangesBody = Type.Object(
  {
    nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    defaultBodyId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    responseLimitHours: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 720 }), Type.Null()])),
    handlingLimitDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 365 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
