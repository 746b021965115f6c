import type { Generated, JSONColumnType } from 'kysely';
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
  channel: Channel;
  priority: Priority;
  /** Always equal to replaying this case's events (see lifecycle.ts); written only by the transition service. */
  status: CaseStatus;
  /** The body the case is currently dispatched to. */
  assigned_body_id: string | null;
  /** The reporter's identity lives in `persons`; the case holds only the reference. */
  reporter_person_id: string | null;
  reported_by_user_id: string;
  /** Times verification failed and the case went back to its handling body (返工). */
  rework_count: Generated<number>;
  /** Number of events; the next event's sequence number. Guards against lost updates. */
  event_count: Generated<number>;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

export interface CaseEventDetails {
  bodyId?: string;
  reviewDate?: string;
  /** relocate: the new WGS-84 point and the area it was placed in. */
  location?: [number, number];
  gridCode?: string | null;
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

export interface CasesTables {
  cases: CaseTable;
  case_events: CaseEventTable;
  case_number_counters: CaseNumberCounterTable;
}
