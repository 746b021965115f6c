export { portalRoutes } from './portal.routes.ts';
export type { PortalTables } from './portal.tables.ts';
export { runSubscriptionSweep } from './subscriptions.ts';
