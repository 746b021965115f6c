import type { Generated } from 'kysely';

/**
 * A person's identity as a reporter (name, phone). Kept apart from cases on purpose: cases refer to a
 * person by id only, so personal data can be encrypted, masked, audited and erased here without touching
 * the case record.
 */
export interface PersonTable {
  id: Generated<string>;
  name: string | null;
  phone: string | null;
  email: Generated<string | null>;
  created_at: Generated<Date>;
}

export interface PrivacyTables {
  persons: PersonTable;
}
