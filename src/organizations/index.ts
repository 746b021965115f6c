export {
  type Actor,
  actorColumns,
  actorForUserId,
  actorForUsername,
  hashToken,
  type Jurisdiction,
  toActor,
} from './actors.ts';
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
  setEvidenceRules,
} from './categories.ts';
export {
  type AttributeAnswers,
  type AttributeProblem,
  type CategoryAttribute,
  categoriesWithAttributes,
  checkAttributeAnswers,
  listCategoryAttributes,
  setCategoryAttributes,
} from './category-attributes.ts';
export {
  createHandlingBody,
  type HandlingBody,
  listHandlingBodies,
  type NewHandlingBody,
  requireHandlingBody,
} from './handling-bodies.ts';
export { type AreaWorker, areaWorkers, assignAreaWorkers } from './jurisdictions.ts';
export { organizationsRoutes } from './organizations.routes.ts';
export { NewStaffMemberBody } from './organizations.schemas.ts';
export {
  ATTRIBUTE_DATATYPES,
  type AttributeDatatype,
  type AttributeValue,
  CLEARANCES,
  type Clearance,
  DEFAULT_CLEARANCE,
  HANDLING_BODY_TYPES,
  type HandlingBodyType,
  ROLES,
  type Role,
} from './organizations.tables.ts';
export {
  type ImportedTaxonomy,
  importTaxonomy,
  type TaxonomyDefaults,
  type TaxonomyLeafRow,
} from './taxonomy-import.ts';
export {
  AREA_ROLES,
  CITY_WIDE_ROLES,
  createUser,
  listStaff,
  listUsers,
  type NewUser,
  registerCitizen,
  requireUserId,
  type StaffMember,
  setReach,
  type UserSummary,
} from './users.ts';
