export { type CoarsePoint, centroidOf, PointCoarsener } from './coarsening.ts';
export { DOWNLOAD_FORMATS, type DownloadFormat, renderRelease } from './downloads.ts';
export { openDataRoutes } from './opendata.routes.ts';
export type { OpenDataTables } from './opendata.tables.ts';
export { getBudget, listBudgets, listLedger, type PrivacyBudget, setBudget } from './privacy-budget.ts';
export { getRelease, listReleases, publishRelease, type Release, type ReleaseSummary } from './releases.ts';
export { DEFAULT_THRESHOLD, suppressTable } from './suppression.ts';
