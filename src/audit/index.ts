export { auditRoutes } from './audit.routes.ts';
export type { AuditLogTable, AuditTables } from './audit.tables.ts';
export { anchorHead, readAnchorsIfAny } from './audit-anchors.ts';
export {
  type AuditAnchor,
  type AuditEntry,
  type AuditFilter,
  type AuditKeys,
  type AuditRecord,
  type AuditVerification,
  appendAudit,
  appendOn,
  auditHead,
  listAudit,
  sealLegacyAudit,
  verifyAuditChain,
} from './audit-log.ts';
export { originOf, type RequestOrigin } from './origin.ts';
