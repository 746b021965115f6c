import type { Generated, JSONColumnType } from 'kysely';

export const HANDLING_BODY_TYPES = [
  'government_department',
  'district_government',
  'street_office',
  'community_committee',
  'enterprise',
  'ngo',
  'volunteer_team',
] as const;
export type HandlingBodyType = (typeof HANDLING_BODY_TYPES)[number];

export const ROLES = [
  'citizen',
  'dispatcher',
  'handler',
  'grid_worker',
  'supervisor',
  'admin',
  'data_steward',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** Data classification levels (一般 / 重要 / 核心, Data Security Law), lowest first; a user's clearance is one. */
export const CLEARANCES = ['general', 'important', 'core'] as const;
export type Clearance = (typeof CLEARANCES)[number];

/** The clearance a new user gets: citizens see only general data; oversight roles everything. */
export const DEFAULT_CLEARANCE: Record<Role, Clearance> = {
  citizen: 'general',
  dispatcher: 'important',
  handler: 'important',
  grid_worker: 'important',
  supervisor: 'important',
  admin: 'core',
  data_steward: 'core',
  auditor: 'core',
};

/** An organisation that takes and handles cases (承办单位): a department, street office, company, NGO… */
export interface HandlingBodyTable {
  id: Generated<string>;
  code: string;
  name_zh: string;
  name_en: string;
  type: HandlingBodyType;
  parent_id: string | null;
  created_at: Generated<Date>;
}

/** A node of the category taxonomy; level 1 to 3, codes are 2 digits per level ("01", "0103", "010302"). */
export interface CategoryTable {
  id: Generated<string>;
  code: string;
  parent_id: string | null;
  level: number;
  name_zh: string;
  name_en: string;
  default_body_id: string | null;
  /** Working hours within which the handling body must accept (签收) a case; set on leaves. */
  response_limit_hours: number | null;
  /** Working days within which the case must be handled (办结); set on leaves. */
  handling_limit_days: number | null;
  /** Working hours within which a handled case must be verified (核查); set on leaves. */
  verification_limit_hours: Generated<number | null>;
  /** 'handle' needs a photo after handling (处置后照片). */
  after_photo_required: Generated<boolean>;
  /** A grid worker's 'verify_pass' needs a verification photo (核查照片). */
  verification_photo_required: Generated<boolean>;
}

/** What a category asks of a report beyond its text and place: Open311's datatypes. */
export const ATTRIBUTE_DATATYPES = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type AttributeDatatype = (typeof ATTRIBUTE_DATATYPES)[number];

/** One answer of a list attribute: the key a client sends, the words shown for it. */
export interface AttributeValue {
  key: string;
  name: string;
}

/** A question a (leaf) category asks when a case is filed under it (a pothole's size, when a noise is heard). */
export interface CategoryAttributeTable {
  id: Generated<string>;
  category_id: string;
  /** Lower-case letters, digits and underscores; unique per category. */
  code: string;
  datatype: AttributeDatatype;
  required: Generated<boolean>;
  description_zh: string;
  description_en: string;
  sort_order: Generated<number>;
  /** The answers of a singlevaluelist or multivaluelist; empty for the other datatypes. */
  values: JSONColumnType<AttributeValue[], string, string>;
}

export interface UserTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  role: Role;
  /** The body a handler works for; required for handlers, empty for other roles. */
  handling_body_id: string | null;
  /** The personal-data record of a citizen user (their identity as a reporter). */
  person_id: string | null;
  created_at: Generated<Date>;
  /** argon2id; null for users who sign in otherwise (citizens by phone, systems by token). */
  password_hash: Generated<string | null>;
  password_changed_at: Generated<Date | null>;
  clearance: Generated<Clearance>;
  disabled_at: Generated<Date | null>;
  /**
   * Staff work reaches the whole city (an explicit grant); otherwise only the user's areas
   * (user_jurisdictions), and with none, no cases. Never for citizens, handlers or grid workers.
   */
  city_wide: Generated<boolean>;
}

export interface ApiTokenTable {
  /** SHA-256 of the token: the token itself is never stored. */
  token_hash: string;
  id: Generated<string>;
  user_id: string;
  label: string;
  /** What the token may do (see policy/scopes); '*' is everything its user may do. */
  scopes: Generated<string[]>;
  created_at: Generated<Date>;
  expires_at: Generated<Date | null>;
  last_used_at: Generated<Date | null>;
  revoked_at: Generated<Date | null>;
}

/** An area a user works in (a code prefix: the area and everything below it). */
export interface UserJurisdictionTable {
  user_id: string;
  area_code: string;
}

export interface OrganizationsTables {
  handling_bodies: HandlingBodyTable;
  categories: CategoryTable;
  category_attributes: CategoryAttributeTable;
  users: UserTable;
  api_tokens: ApiTokenTable;
  user_jurisdictions: UserJurisdictionTable;
}
