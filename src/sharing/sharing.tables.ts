import type { Generated } from 'kysely';

/**
 * The legal bases a body may name for asking another's data (Data Security Law art. 38, PIPL art. 13):
 * what the law requires, a statutory duty the requesting body performs, the public interest, or the
 * consent of the people the data is about.
 */
export const LEGAL_BASES = {
  law: { zh: '法律法规规定', en: 'Required by laws and regulations' },
  statutory_duty: { zh: '履行法定职责', en: 'Performing a statutory duty' },
  public_interest: { zh: '公共利益', en: 'Public interest' },
  consent: { zh: '当事人同意', en: 'Consent of the people concerned' },
} as const;
export type LegalBasis = keyof typeof LEGAL_BASES;
export const LEGAL_BASIS_CODES = Object.keys(LEGAL_BASES) as LegalBasis[];

export const SHARE_REQUEST_STATUSES = ['pending', 'approved', 'refused', 'withdrawn'] as const;
export type ShareRequestStatus = (typeof SHARE_REQUEST_STATUSES)[number];

/** How a grant ended before its time: given back by the body holding it, or taken back by the owner. */
export type GrantEnd = 'withdrawn' | 'revoked';

/** One body's request for fields of a dataset another body owns (申请). */
export interface ShareRequestTable {
  id: Generated<string>;
  dataset_id: string;
  requesting_body_id: string;
  /** The dataset's owner when asked: the body that decides. */
  owner_body_id: string;
  fields: string[];
  purpose: string;
  legal_basis: LegalBasis;
  period_from: Date;
  period_to: Date;
  status: ShareRequestStatus;
  requested_by_user_id: string;
  requested_at: Date;
  decided_by_user_id: string | null;
  decided_at: Date | null;
  refusal_reason: string | null;
}

/** What an approval gives (授权): exactly these fields, between these instants, to the requesting body. */
export interface ShareGrantTable {
  id: Generated<string>;
  request_id: string;
  dataset_id: string;
  holder_body_id: string;
  fields: string[];
  valid_from: Date;
  valid_until: Date;
  granted_by_user_id: string;
  granted_at: Date;
  ended_at: Date | null;
  ended_by_user_id: string | null;
  end_kind: GrantEnd | null;
  end_reason: string | null;
}

export interface SharingTables {
  share_requests: ShareRequestTable;
  share_grants: ShareGrantTable;
}
