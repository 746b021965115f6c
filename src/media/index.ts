export { mediaRoutes } from './media.routes.ts';
export { MEDIA_STAGES, type MediaStage, type MediaTables } from './media.tables.ts';
export type { MediaDeps, MediaLimits } from './media.ts';
export { removeOrphanFiles, runMediaRetentionSweep } from './media-retention.ts';
export { type MediaStore, mediaStoreFromConfig } from './media-store.ts';
export { type HiddenPhoto, openPublicMediaFile, type PublicPhoto, publicPhotos } from './public-media.ts';
export { stepEvidence } from './step-evidence.ts';
