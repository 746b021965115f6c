import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { CLEARANCES, type Clearance } from '../organizations/organizations.tables.ts';
import { authorize, DATA_CLASSIFICATION, type Personal } from '../policy/index.ts';
import { notPublishable } from './catalogue.errors.ts';
import { datasetNotFound } from './hub.errors.ts';
import type { ColumnType, DatasetColumn, DatasetKind, DatasetQuality } from './hub.tables.ts';

/**
 * The catalogue (数据目录): every dataset the city holds, its own tables and imported ones, as staff and
 * machines see it. The platform's own datasets are written into it from the live schema and the data
 * classification, so their columns, types and personal/level flags can never drift from what is stored.
 */

/** A column as the catalogue shows it: a platform table's also carries its classification level. */
export interface CatalogueColumn extends DatasetColumn {
  level?: Clearance;
}

interface PlatformDataset {
  slug: string;
  /** The table it is; its columns, their types and labels are read from the database and classification.ts. */
  table: string;
  titleZh: string;
  titleEn: string;
  description: string;
  updateFrequency: string;
  spatialCoverage: string;
  licence: string;
  /** Public when first registered; after that only a data steward changes it. */
  publicAtFirst: boolean;
  /** Columns as published, where the dataset is published in another shape than its table's (aggregates). */
  columns?: CatalogueColumn[];
}

const CITY = '长沙市 Changsha';

export const PLATFORM_DATASETS: readonly PlatformDataset[] = [
  {
    slug: 'cases',
    table: 'cases',
    titleZh: '城市管理案件',
    titleEn: 'City cases',
    description: 'Every case reported to CivicGrid, from report to closure (personal data masked or sealed).',
    updateFrequency: 'continuous',
    spatialCoverage: CITY,
    licence: '',
    publicAtFirst: false,
  },
  {
    slug: 'grid-areas',
    table: 'grid_areas',
    titleZh: '网格区域',
    titleEn: 'Grid areas',
    description: 'The city grid: districts, streets and unit grid cells with their boundaries.',
    updateFrequency: 'irregular',
    spatialCoverage: CITY,
    licence: 'CC-BY-4.0',
    publicAtFirst: false,
  },
  {
    slug: 'evaluations',
    table: 'points_ledger',
    titleZh: '考核积分',
    titleEn: 'Evaluation points',
    description: 'Points each handling body earned for dispatches done on time, verified first time and satisfying.',
    updateFrequency: 'continuous',
    spatialCoverage: CITY,
    licence: '',
    publicAtFirst: false,
  },
  {
    slug: 'case-counts',
    table: 'open_data_releases',
    titleZh: '案件数量统计（开放数据）',
    titleEn: 'Case counts (open data)',
    description:
      'Case counts by category × area × month, small cells and their complements suppressed, optionally with differentially private noise; one resource per release and format.',
    updateFrequency: 'irregular',
    spatialCoverage: CITY,
    licence: 'CC-BY-4.0',
    publicAtFirst: true,
    // A release's download, not the table that stores it.
    columns: [
      { name: 'categoryCode', type: 'text', description: 'Category code (TOTAL for the margin)' },
      { name: 'areaCode', type: 'text', description: 'Area code (TOTAL for the margin)' },
      { name: 'period', type: 'text', description: 'Month, YYYY-MM (TOTAL for the margin)' },
      { name: 'value', type: 'number', description: 'Case count; null where suppressed' },
    ],
  },
];

/** The body that runs the platform (数字城管 sits with the city's urban management bureau). */
export const PLATFORM_OWNER_CODE = 'urban-management';

const PERSONAL_ORDER: Personal[] = ['none', 'personal', 'sensitive'];

function columnType(dataType: string, name: string): ColumnType {
  if (name === 'geometry') return 'geometry';
  if (['smallint', 'integer', 'bigint'].includes(dataType)) return 'integer';
  if (['numeric', 'real', 'double precision'].includes(dataType)) return 'number';
  if (dataType === 'boolean') return 'boolean';
  if (dataType === 'date') return 'date';
  if (dataType.startsWith('timestamp')) return 'timestamp';
  return 'text';
}

/** A platform table's columns, typed from the live schema and labelled from the data classification. */
async function platformColumns(db: Db, table: string): Promise<CatalogueColumn[]> {
  const live = await sql<{ column_name: string; data_type: string }>`
    select column_name, data_type from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}
    order by ordinal_position`.execute(db);
  return live.rows.map(({ column_name, data_type }) => {
    const label = DATA_CLASSIFICATION[table]?.[column_name];
    return {
      name: column_name,
      type: columnType(data_type, column_name),
      ...(label ? { level: label.level } : {}),
      ...(label && label.personal !== 'none' ? { personal: label.personal } : {}),
    };
  });
}

function highest<T>(order: readonly T[], values: readonly T[]): T {
  return values.reduce((top, v) => (order.indexOf(v) > order.indexOf(top) ? v : top), order[0] as T);
}

/**
 * Writes the platform's own datasets into the catalogue, idempotently (every start): a dataset's metadata
 * changes (and its `modified_at` moves, so harvesters see it) only when its schema or description did;
 * row counts follow the tables without counting as a change of metadata.
 */
export async function registerPlatformDatasets(db: Db, now: Date): Promise<void> {
  const owner = await db
    .selectFrom('handling_bodies')
    .select('id')
    .where('code', '=', PLATFORM_OWNER_CODE)
    .executeTakeFirst();
  for (const spec of PLATFORM_DATASETS) {
    const tableColumns = await platformColumns(db, spec.table);
    const columns = spec.columns ?? tableColumns;
    const level = highest<Clearance>(
      CLEARANCES,
      tableColumns.map((c) => c.level ?? 'general'),
    );
    const personal = highest<Personal>(
      PERSONAL_ORDER,
      columns.map((c) => c.personal ?? 'none'),
    );
    const rows = await sql<{ rows: string }>`select count(*) as rows from ${sql.table(spec.table)}`.execute(db);
    const rowCount = Number(rows.rows[0]?.rows ?? 0);
    const metadata = {
      kind: 'platform' as const,
      title_zh: spec.titleZh,
      title_en: spec.titleEn,
      description: spec.description,
      columns: JSON.stringify(columns),
      level: spec.columns ? ('general' as const) : level,
      personal,
      update_frequency: spec.updateFrequency,
      spatial_coverage: spec.spatialCoverage,
      licence: spec.licence,
    };
    const found = await db.selectFrom('datasets').selectAll().where('slug', '=', spec.slug).executeTakeFirst();
    if (!found) {
      await db
        .insertInto('datasets')
        .values({
          ...metadata,
          slug: spec.slug,
          owner_body_id: owner?.id ?? null,
          is_public: spec.publicAtFirst,
          temporal_start: null,
          temporal_end: null,
          quality: null,
          row_count: rowCount,
          created_at: now,
          modified_at: now,
        })
        .onConflict((oc) => oc.column('slug').doNothing())
        .execute();
      continue;
    }
    const changed =
      found.title_zh !== metadata.title_zh ||
      found.title_en !== metadata.title_en ||
      found.description !== metadata.description ||
      JSON.stringify(found.columns) !== metadata.columns ||
      found.level !== metadata.level ||
      found.personal !== metadata.personal ||
      found.update_frequency !== metadata.update_frequency ||
      found.spatial_coverage !== metadata.spatial_coverage ||
      found.licence !== metadata.licence;
    await db
      .updateTable('datasets')
      .set({
        row_count: rowCount,
        ...(found.owner_body_id === null && owner ? { owner_body_id: owner.id } : {}),
        ...(changed ? { ...metadata, modified_at: now } : {}),
      })
      .where('id', '=', found.id)
      .execute();
  }
}

export interface DatasetSummary {
  id: string;
  slug: string;
  kind: DatasetKind;
  titleZh: string;
  titleEn: string;
  description: string;
  owner: { id: string; code: string; nameZh: string; nameEn: string } | null;
  level: Clearance;
  personal: Personal;
  updateFrequency: string;
  licence: string;
  spatialCoverage: string;
  temporalStart: Date | null;
  temporalEnd: Date | null;
  isPublic: boolean;
  rowCount: number;
  createdAt: Date;
  modifiedAt: Date;
}

export interface DatasetDetail extends DatasetSummary {
  columns: CatalogueColumn[];
  quality: DatasetQuality | null;
  versions: {
    version: number;
    importId: string | null;
    madeBy: string;
    rowCount: number;
    rowsChanged: number;
    createdAt: Date;
  }[];
  imports: {
    id: string;
    fileName: string;
    format: string;
    encoding: string | null;
    status: string;
    rowsRead: number;
    rowsImported: number;
    rowsUnchanged: number;
    rowsRejected: number;
    rowsUnplaced: number;
    startedAt: Date;
    finishedAt: Date | null;
  }[];
  rejectedRows: number;
}

function baseQuery(db: Db) {
  return db
    .selectFrom('datasets')
    .leftJoin('handling_bodies', 'handling_bodies.id', 'datasets.owner_body_id')
    .select([
      'datasets.id',
      'datasets.slug',
      'datasets.kind',
      'datasets.title_zh',
      'datasets.title_en',
      'datasets.description',
      'datasets.owner_body_id',
      'handling_bodies.code as owner_code',
      'handling_bodies.name_zh as owner_name_zh',
      'handling_bodies.name_en as owner_name_en',
      'datasets.level',
      'datasets.personal',
      'datasets.update_frequency',
      'datasets.licence',
      'datasets.spatial_coverage',
      'datasets.temporal_start',
      'datasets.temporal_end',
      'datasets.is_public',
      'datasets.row_count',
      'datasets.created_at',
      'datasets.modified_at',
      'datasets.columns',
      'datasets.quality',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function summaryOf(row: Row): DatasetSummary & { columns: CatalogueColumn[]; quality: DatasetQuality | null } {
  return {
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    titleZh: row.title_zh,
    titleEn: row.title_en,
    description: row.description,
    owner:
      row.owner_body_id && row.owner_code
        ? {
            id: row.owner_body_id,
            code: row.owner_code,
            nameZh: row.owner_name_zh ?? '',
            nameEn: row.owner_name_en ?? '',
          }
        : null,
    level: row.level,
    personal: row.personal,
    updateFrequency: row.update_frequency,
    licence: row.licence,
    spatialCoverage: row.spatial_coverage,
    temporalStart: row.temporal_start,
    temporalEnd: row.temporal_end,
    isPublic: row.is_public,
    rowCount: Number(row.row_count),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    columns: row.columns,
    quality: row.quality,
  };
}

export interface DatasetFilter {
  /** Only public datasets (what the CKAN API and DCAT export see). */
  publicOnly?: boolean;
  kind?: DatasetKind;
}

/** Datasets (with their columns), newest change first. */
export async function listDatasets(db: Db, filter: DatasetFilter = {}) {
  let query = baseQuery(db);
  if (filter.publicOnly) query = query.where('datasets.is_public', '=', true);
  if (filter.kind) query = query.where('datasets.kind', '=', filter.kind);
  const rows = await query.orderBy('datasets.modified_at', 'desc').orderBy('datasets.slug').execute();
  return rows.map(summaryOf);
}

/** One dataset by its slug or id, or null. */
export async function findDataset(db: Db, slugOrId: string, filter: DatasetFilter = {}) {
  let query = baseQuery(db);
  if (filter.publicOnly) query = query.where('datasets.is_public', '=', true);
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(slugOrId);
  query = isUuid
    ? query.where((eb) => eb.or([eb('datasets.slug', '=', slugOrId), eb('datasets.id', '=', slugOrId)]))
    : query.where('datasets.slug', '=', slugOrId);
  const row = await query.executeTakeFirst();
  return row ? summaryOf(row) : null;
}

/** A dataset with its schema, its lineage (versions and the imports that made them) and its quality. */
export async function showDataset(db: Db, actor: Actor, slug: string): Promise<DatasetDetail> {
  authorize(actor, 'catalogue.read');
  const dataset = await findDataset(db, slug);
  if (!dataset) throw datasetNotFound(slug);
  const [versions, imports] = await Promise.all([
    db
      .selectFrom('dataset_versions')
      .selectAll()
      .where('dataset_id', '=', dataset.id)
      .orderBy('version', 'desc')
      .execute(),
    db
      .selectFrom('dataset_imports')
      .selectAll()
      .where('dataset_id', '=', dataset.id)
      .orderBy('started_at', 'desc')
      .execute(),
  ]);
  return {
    ...dataset,
    versions: versions.map((v) => ({
      version: v.version,
      importId: v.import_id,
      madeBy: v.made_by,
      rowCount: Number(v.row_count),
      rowsChanged: Number(v.rows_changed),
      createdAt: v.created_at,
    })),
    imports: imports.map((i) => ({
      id: i.id,
      fileName: i.file_name,
      format: i.format,
      encoding: i.encoding,
      status: i.status,
      rowsRead: Number(i.rows_read),
      rowsImported: Number(i.rows_imported),
      rowsUnchanged: Number(i.rows_unchanged),
      rowsRejected: Number(i.rows_rejected),
      rowsUnplaced: Number(i.rows_unplaced),
      startedAt: i.started_at,
      finishedAt: i.finished_at,
    })),
    rejectedRows: imports.reduce((sum, i) => sum + Number(i.rows_rejected), 0),
  };
}

/**
 * Publishes a dataset in the open catalogue (CKAN API, DCAT) or withdraws it. Only general data without
 * personal information may be public: a dataset holding personal data is published as aggregates
 * (open-data releases), never as itself. Its `modified_at` moves, so a harvester's next run sees it.
 */
export async function setDatasetPublic(db: Db, actor: Actor, slug: string, isPublic: boolean, now: Date) {
  authorize(actor, 'catalogue.publish');
  return db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('datasets')
      .select(['id', 'level', 'personal', 'is_public'])
      .where('slug', '=', slug)
      .forUpdate()
      .executeTakeFirst();
    if (!found) throw datasetNotFound(slug);
    if (isPublic && (found.level !== 'general' || found.personal !== 'none'))
      throw notPublishable(slug, found.level, found.personal);
    if (found.is_public !== isPublic) {
      await trx
        .updateTable('datasets')
        .set({ is_public: isPublic, modified_at: now })
        .where('id', '=', found.id)
        .execute();
    }
  });
}
