export { sharingRoutes } from './sharing.routes.ts';
export {
  LEGAL_BASES,
  type LegalBasis,
  type SharingTables,
} from './sharing.tables.ts';
export {
  approveShareRequest,
  getShareRequest,
  listShareRequests,
  readGrantRows,
  refuseShareRequest,
  requestShare,
  revokeGrant,
  SHARING_PURPOSE,
  type ShareRequestView,
  type SharingDeps,
  withdrawShareRequest,
} from './sharing.ts';
