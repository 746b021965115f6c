import type { Generated, JSONColumnType } from 'kysely';
import type { TextPlacement } from '../text/text.tables.ts';
import type { UrgencyFlag } from '../text/urgency.ts';
import type { CaseAction, CaseStatus } from './lifecycle.ts';

export const CHANNELS = ['web', 'hotline', 'grid_patrol', 'open311', 'import', 'sensor'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface CaseTable {
  id: Generated<string>;
  /** Human-readable number, unique per city and year: "2026-000123". */
  case_number: string;
  title: string;
  description: string;
  category_id: string;
  /** WGS-84; both or neither. */
  longitude: number | null;
  latitude: number | null;
  address: string | null;
  /** Code of the grid area the location falls in (the district, until finer grids exist). */
  grid_code: string | null;
  /** The case has a point, but no area of the city holds it: accepted, flagged, left to the dispatcher. */
  outside_jurisdiction: Generated<boolean>;
  /** The point lay this many metres outside every area and was placed on the nearest one (null: an area holds it). */
  placement_snapped_metres: Generated<number | null>;
  channel: Channel;
  priority: Priority;
  /** The priority a citizen asked for: a request the desk confirms when it registers the case. */
  requested_priority: Generated<Priority | null>;
  /** Always equal to replaying this case's events (see lifecycle.ts); written only by the transition service. */
  status: CaseStatus;
  /** The body the case is currently dispatched to. */
  assigned_body_id: string | null;
  /** The reporter's identity lives in `persons`; the case holds only the reference. */
  reporter_person_id: string | null;
  reported_by_user_id: string;
  /** A citizen reported it from their own account (not a caller on record taken by the desk). */
  reported_by_citizen: Generated<boolean>;
  /** Times verification failed and the case went back to its handling body (返工). */
  rework_count: Generated<number>;
  /** Number of events; the next event's sequence number. Guards against lost updates. */
  event_count: Generated<number>;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  /** Where the routing rules (or the category's default) would send the case; shown to the dispatcher. */
  suggested_body_id: Generated<string | null>;
  routing_rule_id: Generated<string | null>;
  /** Where the routing rule would have assisting bodies (协办): a suggestion, shown to the dispatcher. */
  suggested_assisting_body_ids: Generated<string[]>;
  /**
   * The bodies the dispatch names to assist the lead body (协办). Like the lead body, they hold the case
   * only while that dispatch is in force (current_dispatch_id).
   */
  assisting_body_ids: Generated<string[]>;
  /** The dispatch (派遣) now in force; none once it ended (returned, verified, cancelled). */
  current_dispatch_id: Generated<string | null>;
  /** The case this one was merged into as a duplicate. */
  parent_case_id: Generated<string | null>;
  /** How many duplicates were merged into this case ("me too"); raises its priority. */
  me_too_count: Generated<number>;
  /** Set: the title and description are hidden from the public, and this is the reason they read. */
  public_text_hidden_reason: Generated<string | null>;
  public_text_moderated_at: Generated<Date | null>;
  /** Dangers read out of the text at intake (text/urgency.ts), with the words that show them. */
  urgency_flags: JSONColumnType<UrgencyFlag[] | null, string | null, string | null>;
  /** Where the text placed a case reported without a point (text/places.ts), and how sure that is. */
  text_placement: JSONColumnType<TextPlacement | null, string | null, string | null>;
  pending_extension: Generated<boolean>;
  /** Set while the case is suspended: its deadlines stand still. */
  paused_at: Generated<Date | null>;
  /**
   * The answers to what its category asks (organizations' category attributes), by attribute code. A jsonb
   * column, not a table: a case has a handful, they are read only with the case and never searched by.
   */
  attributes: JSONColumnType<Record<string, string | string[]> | null, string | null, string | null>;
}

export interface CaseEventDetails {
  bodyId?: string;
  reviewDate?: string;
  /** relocate: the new WGS-84 point and the area it was placed in. */
  location?: [number, number];
  gridCode?: string | null;
  /** dispatch: the body the routing suggested, and whether the dispatcher chose another. */
  suggestedBodyId?: string | null;
  overridden?: boolean;
  assistingBodyIds?: string[];
  /** merge: the case this one was merged into. */
  parentCaseNumber?: string;
  /** request_extension: the working days asked for. */
  extensionDays?: number;
  /** register: the priority the desk set, when it changed it. */
  priority?: Priority;
  /** reopen after a dissatisfied survey. */
  surveyId?: string;
  /** answer: the knowledge-base article and the version the reply was given from. */
  articleId?: string;
  articleVersion?: number;
  /** note from a partner application: its own id for the note (answered again, never recorded twice). */
  clientUpdateId?: string;
  /** note from a partner application: the status its user gave (recorded, never acted on) and when. */
  clientStatus?: string;
  clientUpdatedAt?: string;
  /** note: the sealed personal-data record of the person who wrote it, when the client named them. */
  authorPersonId?: string;
  /** note: a photo's address as the client gave it (a link, never fetched). */
  mediaUrl?: string;
}

/** Append-only history of a case: every transition, who made it, when, and why. */
export interface CaseEventTable {
  id: Generated<string>;
  case_id: string;
  /** 1, 2, 3… per case; (case_id, seq) is unique. */
  seq: number;
  action: CaseAction;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  actor_user_id: string;
  actor_role: string;
  note: string | null;
  details: JSONColumnType<CaseEventDetails>;
  created_at: Date;
}

export interface CaseNumberCounterTable {
  year: number;
  last_value: number;
}

export const DISPATCH_END_REASONS = ['redispatched', 'returned', 'verified', 'cancelled', 'merged'] as const;
export type DispatchEndReason = (typeof DISPATCH_END_REASONS)[number];

/** A dispatch (派遣) of a case to a handling body: the unit the evaluation counts. */
export interface CaseDispatchTable {
  id: Generated<string>;
  case_id: string;
  /** The seq of the dispatch event. */
  event_seq: number;
  body_id: string;
  dispatched_by_user_id: string;
  dispatched_at: Date;
  suggested_body_id: string | null;
  /** The dispatcher chose a body other than the suggested one. */
  overridden: boolean;
  /** The case's grid area at dispatch (areas are evaluated by it). */
  grid_code: string | null;
  ended_at: Date | null;
  end_reason: DispatchEndReason | null;
  handled_count: Generated<number>;
  /** Failed verifications (返工) during this dispatch. */
  rework_count: Generated<number>;
  /** Verified, and not yet looked at by the points award. */
  points_pending: Generated<boolean>;
}

export const CLOCK_KINDS = ['response', 'handling', 'verification'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];
export type ClockOutcome = 'met' | 'late' | 'superseded' | 'returned' | 'cancelled';

/** A deadline that runs for a case: to accept (签收), to handle (办结) or to verify (核查). */
export interface CaseClockTable {
  id: Generated<string>;
  case_id: string;
  dispatch_id: string | null;
  kind: ClockKind;
  /** Working time on the city's calendar, or wall-clock time (emergencies). */
  measure: 'working' | 'wall';
  /** The body whose deadline it is (none for verification, which is the grid's or the desk's). */
  body_id: string | null;
  limit_minutes: number;
  /** Added by approved extensions. */
  extended_minutes: Generated<number>;
  started_at: Date;
  /** 80 % of the time allowed: the yellow warning. */
  warn_at: Date;
  due_at: Date;
  paused_at: Date | null;
  stopped_at: Date | null;
  stopped_by_user_id: string | null;
  outcome: ClockOutcome | null;
  /** Minutes of the clock's measure used, pauses left out; set when it stops. */
  elapsed_minutes: number | null;
  warned_at: Date | null;
  overdue_at: Date | null;
}

export interface SupervisionNoticeTable {
  id: Generated<number>;
  clock_id: string;
  case_id: string;
  level: 'yellow' | 'red';
  body_id: string | null;
  /** Red notices go up to the body's superior as well as to the supervisors. */
  escalated_to_body_id: string | null;
  created_at: Date;
}

export interface ExtensionRequestTable {
  id: Generated<string>;
  case_id: string;
  clock_id: string;
  requested_by_user_id: string;
  reason: string;
  extra_minutes: number;
  /** withdrawn: the case was handled or returned before a supervisor decided. */
  status: 'pending' | 'approved' | 'refused' | 'withdrawn';
  decided_by_user_id: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  created_at: Date;
}

export const SATISFACTION_LEVELS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

/** The reporter's answer after a closure (回访). */
export interface CaseSurveyTable {
  id: Generated<string>;
  case_id: string;
  /** The seq of the close event it answers: one survey per closure. */
  close_seq: number;
  dispatch_id: string | null;
  body_id: string | null;
  satisfaction: Satisfaction;
  solved: boolean;
  comment: string | null;
  /** The answer reopened the case (dissatisfied within the window). */
  reopened: boolean;
  /** Satisfied, and not yet looked at by the points award. */
  points_pending: Generated<boolean>;
  answered_by_user_id: string;
  created_at: Date;
}

/** A resident's "me too" on a published case, from the public portal: one per person and case. */
export interface CaseSupportTable {
  case_id: string;
  user_id: string;
  created_at: Generated<Date>;
}

export interface CasesTables {
  cases: CaseTable;
  case_events: CaseEventTable;
  case_number_counters: CaseNumberCounterTable;
  case_dispatches: CaseDispatchTable;
  case_clocks: CaseClockTable;
  supervision_notices: SupervisionNoticeTable;
  extension_requests: ExtensionRequestTable;
  case_surveys: CaseSurveyTable;
  case_supports: CaseSupportTable;
}
