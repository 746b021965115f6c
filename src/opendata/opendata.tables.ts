import type { Generated, JSONColumnType } from 'kysely';

export const AREA_LEVELS_RELEASED = ['district', 'street', 'grid'] as const;
export type ReleaseAreaLevel = (typeof AREA_LEVELS_RELEASED)[number];

export const MECHANISMS = ['geometric', 'laplace'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** One value of a release's dimension, as published. */
export interface DimensionMember {
  code: string;
  nameZh: string;
  nameEn: string;
}

/** An area of a release, with the point its GeoJSON download places it at (its centroid, frozen at publication). */
export interface ReleaseArea extends DimensionMember {
  centroid: [number, number] | null;
}

export interface ReleaseDimensions {
  categories: DimensionMember[];
  areas: ReleaseArea[];
  /** Months, YYYY-MM. */
  periods: string[];
}

/** A dataset's privacy budget (ε in millionths, so that spending adds exactly). */
export interface OpenDataBudgetTable {
  dataset: string;
  total_microepsilon: number;
  spent_microepsilon: Generated<number>;
  updated_at: Generated<Date>;
}

/**
 * A published aggregate: the extended table (category × area × month, each with its total), row-major,
 * a value or null where suppressed. Stored as published, so every download gives the same numbers and
 * noise is never drawn twice.
 */
export interface OpenDataReleaseTable {
  id: Generated<string>;
  dataset: string;
  title: string;
  area_level: ReleaseAreaLevel;
  period_from: string;
  period_to: string;
  threshold: number;
  protection_margin: number;
  mechanism: Mechanism | null;
  microepsilon: number | null;
  dimensions: JSONColumnType<ReleaseDimensions, string, string>;
  cells: JSONColumnType<(number | null)[], string, string>;
  suppressed_cells: number;
  published_by_user_id: string;
  published_at: Date;
}

/** Every spending of a privacy budget: how much, by which mechanism, for what query, by whom, when. */
export interface PrivacyLedgerTable {
  id: Generated<string>;
  dataset: string;
  release_id: string;
  microepsilon: number;
  mechanism: Mechanism;
  query: string;
  spent_by_user_id: string;
  spent_at: Date;
}

export interface OpenDataTables {
  open_data_budgets: OpenDataBudgetTable;
  open_data_releases: OpenDataReleaseTable;
  privacy_ledger: PrivacyLedgerTable;
}
