import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../lib/app-error.ts';
import { type CategoryAttribute, categoriesWithAttributes, listCategoryAttributes } from '../organizations/index.ts';

/**
 * The city's leaf categories as Open311 services: a case is filed on a leaf, so only leaves can be
 * requested. The service's group is its first-level category (FixMyStreet's `groups`), its keywords the
 * names above it.
 */
export interface Service {
  service_code: string;
  service_name: string;
  description: string;
  /** The category asks more than text and place (its attributes): read them from the service's definition. */
  metadata: boolean;
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
      'leaf.id',
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
  const asking = await categoriesWithAttributes(db);
  return rows.map((row) => ({
    service_code: row.code,
    service_name: row.name_zh,
    description: row.name_en,
    metadata: asking.has(row.id),
    type: 'realtime',
    keywords: [row.top_zh, row.parent_zh].filter(Boolean).join(','),
    group: row.top_zh ?? row.parent_zh,
  }));
}

/** One attribute of a service's definition, in the specification's fields. */
export interface ServiceAttribute {
  /** Every attribute here is a question for the client's user (none is only information). */
  variable: true;
  code: string;
  datatype: CategoryAttribute['datatype'];
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values: Array<{ key: string; name: string }>;
}

export interface ServiceDefinition {
  service_code: string;
  attributes: ServiceAttribute[];
}

/** What a list's answers or a value's form look like, for a client that shows the question as text. */
const DATATYPE_DESCRIPTIONS: Partial<Record<CategoryAttribute['datatype'], string>> = {
  number: '数字',
  datetime: '日期时间（W3C，带时区，如 2026-12-04T20:00:00+08:00）',
};

/** A service's definition: what its category asks beyond text and place (its attributes), in their order. */
export async function serviceDefinition(db: Db, serviceCode: string): Promise<ServiceDefinition> {
  const leaf = await findLeaf(db, serviceCode);
  if (!leaf) throw serviceNotFound(serviceCode);
  return { service_code: serviceCode, attributes: (await listCategoryAttributes(db, leaf.id)).map(toServiceAttribute) };
}

/** The questions a service asks, for a request filed under it; none for an unknown code (the filing says so). */
export async function serviceAttributes(db: Db, serviceCode: string): Promise<CategoryAttribute[]> {
  const leaf = await findLeaf(db, serviceCode);
  return leaf ? listCategoryAttributes(db, leaf.id) : [];
}

function findLeaf(db: Db, serviceCode: string) {
  return db
    .selectFrom('categories as leaf')
    .select('leaf.id')
    .where('leaf.code', '=', serviceCode)
    .where('leaf.parent_id', 'is not', null)
    .where(IS_LEAF)
    .executeTakeFirst();
}

function toServiceAttribute(attribute: CategoryAttribute): ServiceAttribute {
  return {
    variable: true,
    code: attribute.code,
    datatype: attribute.datatype,
    required: attribute.required,
    datatype_description: DATATYPE_DESCRIPTIONS[attribute.datatype] ?? null,
    order: attribute.order,
    // The city's language, as the service's name.
    description: attribute.descriptionZh,
    values: attribute.values.map(({ key, name }) => ({ key, name })),
  };
}

/** The definition in the specification's XML: attributes, each with its values as `<values><value>…`. */
export function serviceDefinitionXml(definition: ServiceDefinition) {
  return {
    service_code: definition.service_code,
    attributes: {
      attribute: definition.attributes.map(({ values, ...attribute }) => ({
        ...attribute,
        values: { value: values },
      })),
    },
  };
}

export function serviceNotFound(serviceCode: string): AppError {
  return new AppError('OPEN311_ERR_SERVICE_NOT_FOUND', 404, `service_code ${serviceCode} was not found`);
}
