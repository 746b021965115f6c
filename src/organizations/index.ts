export { type Actor, actorForToken, actorForUsername, hashToken, issueApiToken } from './actors.ts';
export {
  type Category,
  createCategory,
  defaultBodyFor,
  getCategory,
  listCategories,
  type NewCategory,
  parentCodeOf,
  requireCategory,
  requireLeafCategory,
} from './categories.ts';
export {
  createHandlingBody,
  type HandlingBody,
  listHandlingBodies,
  type NewHandlingBody,
  requireHandlingBody,
} from './handling-bodies.ts';
export { type AreaWorker, areaWorkers, assignAreaWorkers } from './jurisdictions.ts';
export { organizationsRoutes } from './organizations.routes.ts';
export { HANDLING_BODY_TYPES, type HandlingBodyType, ROLES, type Role } from './organizations.tables.ts';
export {
  type ImportedTaxonomy,
  importTaxonomy,
  type TaxonomyDefaults,
  type TaxonomyLeafRow,
} from './taxonomy-import.ts';
export { createUser, listUsers, type NewUser, setJurisdiction, type UserSummary } from './users.ts';
