import type { Generated } from 'kysely';

/**
 * A person's identity as a reporter. Kept apart from cases on purpose: cases refer to a person by id only,
 * so personal data is encrypted, masked, audited and erased here without touching the case record.
 * The identity itself (name, phone, ID number, address, email) is one sealed value; `phone_index` is a
 * keyed hash of the phone, so a citizen signing in by phone is found without storing the phone in clear.
 */
export interface PersonTable {
  id: Generated<string>;
  /** Emptied at start once sealed: only a database from before encryption has values here. */
  name: Generated<string | null>;
  phone: Generated<string | null>;
  email: Generated<string | null>;
  sealed: string | null;
  key_id: string | null;
  phone_index: string | null;
  /** How the person is told of progress (no address in clear: the delivery sweep opens the sealed value). */
  contact_channel: 'sms' | 'email' | null;
  publish_consent: Generated<boolean>;
  contact_consent: Generated<boolean>;
  statistics_consent: Generated<boolean>;
  anonymised_at: Generated<Date | null>;
  created_at: Generated<Date>;
}

export const CONSENTS = ['publish', 'contact', 'statistics'] as const;
export type Consent = (typeof CONSENTS)[number];

export interface ConsentChangeTable {
  id: Generated<number>;
  person_id: string;
  consent: Consent;
  granted: boolean;
  changed_at: Date;
  changed_by_user_id: string | null;
}

/** Personal data found in a case's own text at intake, masked there and sealed here. */
export interface CasePersonalItemTable {
  case_id: string;
  sealed: string;
  key_id: string;
  kinds: string[];
}

export interface UnmaskGrantTable {
  id: Generated<string>;
  user_id: string;
  case_id: string;
  purpose: string;
  reason: string;
  granted_at: Date;
  expires_at: Date;
}

export interface PersonalDataAccessTable {
  id: Generated<number>;
  person_id: string;
  case_id: string | null;
  accessor_user_id: string;
  accessor_role: string;
  accessor_body_id: string | null;
  purpose: string;
  reason: string | null;
  fields: string[];
  accessed_at: Date;
}

export const DATA_REQUEST_KINDS = ['correction', 'deletion'] as const;
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number];
export const DATA_REQUEST_STATUSES = ['submitted', 'completed', 'refused'] as const;
export type DataRequestStatus = (typeof DATA_REQUEST_STATUSES)[number];

export interface DataRightsRequestTable {
  id: Generated<string>;
  person_id: string | null;
  requested_by_user_id: string;
  kind: DataRequestKind;
  /** A correction's new values: personal data, so sealed like the identity. */
  sealed_changes: string | null;
  key_id: string | null;
  reason: string;
  status: DataRequestStatus;
  submitted_at: Date;
  due_at: Date;
  decided_at: Date | null;
  decided_by_user_id: string | null;
  decision_note: string | null;
}

export interface PrivacyTables {
  persons: PersonTable;
  consent_changes: ConsentChangeTable;
  case_personal_items: CasePersonalItemTable;
  unmask_grants: UnmaskGrantTable;
  personal_data_accesses: PersonalDataAccessTable;
  data_rights_requests: DataRightsRequestTable;
}
