export { recordCallerHistoryLookup } from './caller-history.ts';
export {
  type CaseRef,
  type PrivacyDeps,
  type ReporterView,
  recordCasePersonalItems,
  reporterView,
  sealedReporterColumns,
  sealedReporterOf,
  type TextItem,
  UNMASK_MINUTES,
  unmaskCase,
} from './case-personal-data.ts';
export {
  consentHistory,
  type DataAccess,
  type DataRequest,
  dataRequestsToHandle,
  decideDataRequest,
  myDataAccesses,
  myDataRequests,
  myPersonalData,
  runRetentionSweep,
  setConsents,
  submitDataRequest,
} from './data-rights.ts';
export { type Found, findPersonalData, maskForPublic, maskPersonalData } from './detection.ts';
export { Keyring, type LoadKeyringOptions, loadKeyring, retireKeys, rotateKeyFile } from './keyring.ts';
export { maskPhone } from './masking.ts';
export {
  findCitizenByPhone,
  IDENTITY_FIELDS,
  type Identity,
  type MaskedIdentity,
  openIdentity,
  type PersonConsents,
  personsWithPhone,
  recordPerson,
  sealLegacyPersons,
} from './persons.ts';
export { privacyRoutes } from './privacy.routes.ts';
export { CONSENTS, type Consent, DATA_REQUEST_KINDS, type PrivacyTables } from './privacy.tables.ts';
export { type KeyUse, keysInUse, keyUses, resealPersonalData } from './rotation.ts';
export { currentBlindIndex, normalisePhone, open, seal } from './sealing.ts';
