export { catalogueRoutes } from './catalogue.routes.ts';
export {
  type CatalogueColumn,
  type DatasetDetail,
  type DatasetSummary,
  findDataset,
  listDatasets,
  PLATFORM_DATASETS,
  registerPlatformDatasets,
  setDatasetPublic,
  showDataset,
} from './catalogue.ts';
export { ckanRoutes } from './ckan.routes.ts';
export { datastoreTable } from './datastore.ts';
export { CATALOGUE_PATH, catalogueDocument, DCAT_CONTEXT } from './dcat.ts';
export type { DatasetQuality, HubTables } from './hub.tables.ts';
export { importRoutes } from './import.routes.ts';
export { type ImportDeps, type ImportOptions, type ImportSummary, rejectionsCsv, runImport } from './import-runner.ts';
export { publicDatasets, RELEASES_DATASET } from './public-catalogue.ts';
export { measureQuality } from './quality.ts';
export { CASE_HISTORY_TEMPLATES, type CaseHistoryMapping } from './templates.ts';
