import type { Generated, JSONColumnType } from 'kysely';
import type { Clearance } from '../organizations/organizations.tables.ts';
import type { Personal } from '../policy/index.ts';

export const DATASET_KINDS = ['platform', 'case_history', 'reference'] as const;
/** platform: CivicGrid's own tables; case_history: imported as historical cases; reference: a datastore table. */
export type DatasetKind = (typeof DATASET_KINDS)[number];

export const COLUMN_TYPES = ['text', 'integer', 'number', 'boolean', 'date', 'timestamp', 'geometry'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** One column of a dataset's schema, as the catalogue shows it and the datastore table types it. */
export interface DatasetColumn {
  /** Its name in the datastore table and the API: the source's own, trimmed (quoted wherever it is used). */
  name: string;
  /** Its name in the source file, when it came from one. */
  source?: string;
  type: ColumnType;
  unit?: string;
  description?: string;
  personal?: Personal;
}

export interface DatasetQuality {
  measuredAt: string;
  rows: number;
  columns: Record<string, { completeness: number; validity: number; uniqueness: number }>;
  /** Rejected rows' share of the last import (a row rejected for two columns counts in each). */
  rejectedShare?: number;
  /** Days from the newest record (or the last change) to the measurement. */
  timelinessDays?: number;
  /** Case histories: the share of cases placed on the city's grid. */
  placedShare?: number;
}

export interface DatasetTable {
  id: Generated<string>;
  /** The dataset's name in URLs and CKAN's API (`package_show?id=`). */
  slug: string;
  kind: DatasetKind;
  title_zh: string;
  title_en: string;
  description: Generated<string>;
  owner_body_id: string | null;
  columns: JSONColumnType<DatasetColumn[], string, string>;
  level: Generated<Clearance>;
  personal: Generated<Personal>;
  update_frequency: Generated<string>;
  licence: Generated<string>;
  spatial_coverage: Generated<string>;
  temporal_start: Date | null;
  temporal_end: Date | null;
  is_public: Generated<boolean>;
  quality: JSONColumnType<DatasetQuality | null, string | null, string | null>;
  row_count: Generated<number>;
  created_at: Date;
  /** CKAN's `metadata_modified`: a harvester's incremental run asks for what changed since. */
  modified_at: Date;
}

export type ImportStatus = 'running' | 'completed' | 'failed';

/** One run of an importer over one file; `committed_row` is where a resumed run starts again. */
export interface DatasetImportTable {
  id: Generated<string>;
  dataset_id: string;
  source_key: string;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  format: string;
  encoding: string | null;
  status: ImportStatus;
  rows_read: Generated<number>;
  rows_imported: Generated<number>;
  rows_unchanged: Generated<number>;
  rows_rejected: Generated<number>;
  rows_unplaced: Generated<number>;
  /** Unplaced rows by why: no point, a 0,0 point, a point outside every area. */
  unplaced_reasons: JSONColumnType<Record<string, number>, string | undefined, string>;
  committed_row: Generated<number>;
  error: string | null;
  started_by_user_id: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface ImportRejectionTable {
  import_id: string;
  /** The row's number in the file, counting the header as row 1 (as a spreadsheet shows it). */
  row_number: number;
  column_name: string;
  reason: string;
  value: string | null;
}

/** Lineage: which import (or job) made which version of a dataset. */
export interface DatasetVersionTable {
  dataset_id: string;
  version: number;
  import_id: string | null;
  made_by: string;
  row_count: number;
  rows_changed: number;
  created_at: Date;
}

export interface ImportSourceTable {
  key: string;
  mapping: JSONColumnType<object, string, string>;
  updated_at: Date;
}

export interface CategoryMappingTable {
  source_key: string;
  source_value: string;
  category_id: string;
  decided_by: 'template' | 'staff';
  updated_at: Date;
}

/** An imported historical case's record in its source: a re-import finds it and changes nothing. */
export interface CaseSourceTable {
  case_id: string;
  source_key: string;
  source_id: string;
  import_id: string | null;
}

export interface HubTables {
  datasets: DatasetTable;
  dataset_imports: DatasetImportTable;
  import_rejections: ImportRejectionTable;
  dataset_versions: DatasetVersionTable;
  import_sources: ImportSourceTable;
  category_mappings: CategoryMappingTable;
  case_sources: CaseSourceTable;
}
