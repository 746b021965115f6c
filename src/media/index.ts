export { type MediaStore, mediaStoreFromConfig } from './media-store.ts';
export { type MediaDeps, type MediaLimits } from './media.ts';
export { mediaRoutes } from './media.routes.ts';
export { MEDIA_STAGES, type MediaStage, type MediaTables } from './media.tables.ts';
export { removeOrphanFiles, runMediaRetentionSweep } from './media-retention.ts';
export { stepEvidence } from './step-evidence.ts';
