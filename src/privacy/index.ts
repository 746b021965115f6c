export { type NewPerson, recordPerson } from './persons.ts';
export type { PrivacyTables } from './privacy.tables.ts';
