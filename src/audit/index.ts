export { auditRoutes } from './audit.routes.ts';
export type { AuditLogTable, AuditTables } from './audit.tables.ts';
export {
  type AuditEntry,
  type AuditFilter,
  type AuditRecord,
  type AuditVerification,
  appendAudit,
  auditHead,
  listAudit,
  verifyAuditChain,
} from './audit-log.ts';
export { originOf, type RequestOrigin } from './origin.ts';
