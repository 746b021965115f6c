import type { Generated } from 'kysely';

/** A resident following a case, or an area (and a category in it), for messages through the outbox. */
export interface SubscriptionTable {
  id: Generated<string>;
  person_id: string;
  /** Set: a followed case. Otherwise `area_code` and/or `category_code` say what is followed. */
  case_id: string | null;
  area_code: string | null;
  category_code: string | null;
  created_at: Date;
  /** The sweep has told the person of every public step up to here. */
  last_seen_at: Date;
}

export interface PortalTables {
  subscriptions: SubscriptionTable;
}
