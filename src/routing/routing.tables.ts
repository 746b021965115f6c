import type { Generated } from 'kysely';

/**
 * Where cases of a kind, in a place, at a time, go: a lead handling body (主办) and assisting bodies (协办).
 * Empty fields match anything; the most specific matching rule wins (see routing-rules.ts).
 */
export interface RoutingRuleTable {
  id: Generated<string>;
  /** A category code: matches it and every category below it. */
  category_code: string | null;
  /** A grid area code: matches it and every area below it. */
  area_code: string | null;
  /** Local time of day, "HH:MM:SS"; a window may wrap midnight (22:00–06:00). */
  window_start: string | null;
  window_end: string | null;
  lead_body_id: string;
  assisting_body_ids: Generated<string[]>;
  note: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RoutingTables {
  routing_rules: RoutingRuleTable;
}
