export type { HubTables } from './hub.tables.ts';
export { type ImportDeps, type ImportOptions, type ImportSummary, rejectionsCsv, runImport } from './import-runner.ts';
export { CASE_HISTORY_TEMPLATES, type CaseHistoryMapping } from './templates.ts';
