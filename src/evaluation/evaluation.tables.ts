import type { Generated } from 'kysely';

export const POINT_REASONS = ['on_time', 'verified_first_time', 'satisfied'] as const;
export type PointReason = (typeof POINT_REASONS)[number];

/** Points a handling body earned for a dispatch done well (the city's incentive for 评选); append-only. */
export interface PointsLedgerTable {
  id: Generated<string>;
  body_id: string;
  dispatch_id: string;
  reason: PointReason;
  points: number;
  created_at: Date;
}

export interface EvaluationTables {
  points_ledger: PointsLedgerTable;
}
