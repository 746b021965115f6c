import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';

/**
 * The city's leaf categories as Open311 services: a case is filed on a leaf, so only leaves can be
 * requested. The service's group is its first-level category (FixMyStreet's `groups`), its keywords the
 * names above it.
 */
export interface Service {
  service_code: string;
  service_name: string;
  description: string;
  /** No service asks for attributes yet: a case needs only its text and its place. */
  metadata: false;
  /** The case number comes back at once. */
  type: 'realtime';
  keywords: string;
  group: string;
}

/** The category aliased `leaf` has no category under it: only those take cases. */
const IS_LEAF = sql<boolean>`not exists (select 1 from categories as child where child.parent_id = leaf.id)`;

export async function listServices(db: Db): Promise<Service[]> {
  const rows = await db
    .selectFrom('categories as leaf')
    .innerJoin('categories as parent', 'parent.id', 'leaf.parent_id')
    .leftJoin('categories as top', 'top.id', 'parent.parent_id')
    .select([
      'leaf.code',
      'leaf.name_zh',
      'leaf.name_en',
      'parent.name_zh as parent_zh',
      'parent.level as parent_level',
      'top.name_zh as top_zh',
    ])
    .where(IS_LEAF)
    .orderBy('leaf.code')
    .execute();
  return rows.map((row) => ({
    service_code: row.code,
    service_name: row.name_zh,
    description: row.name_en,
    metadata: false,
    type: 'realtime',
    keywords: [row.top_zh, row.parent_zh].filter(Boolean).join(','),
    group: row.top_zh ?? row.parent_zh,
  }));
}

/** A service's definition: its attributes, none so far (a service whose `metadata` is false has none). */
export async function serviceDefinition(db: Db, serviceCode: string) {
  const leaf = await db
    .selectFrom('categories as leaf')
    .select('leaf.id')
    .where('leaf.code', '=', serviceCode)
    .where('leaf.parent_id', 'is not', null)
    .where(IS_LEAF)
    .executeTakeFirst();
  if (!leaf) throw serviceNotFound(serviceCode);
  return { service_code: serviceCode, attributes: [] as never[] };
}

export function serviceNotFound(serviceCode: string): AppError {
  return new AppError('OPEN311_ERR_SERVICE_NOT_FOUND', 404, `service_code ${serviceCode} was not found`);
}
