import type { Db } from '../db/database.ts';
import { mayDo } from '../policy/index.ts';
import type { Actor } from './actors.ts';
import { requireLeafCategory } from './categories.ts';
import { adminOnly, badAttribute } from './organizations.errors.ts';
import { ATTRIBUTE_DATATYPES, type AttributeDatatype, type AttributeValue } from './organizations.tables.ts';

/**
 * What a category asks of a report beyond its text and place (a pothole's size, when a noise is heard),
 * in the six datatypes Open311 names, so a partner application can ask its users the same questions the
 * desk would. The taxonomy owns them; a case keeps the answers it was filed with.
 */
export interface CategoryAttribute {
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  descriptionZh: string;
  descriptionEn: string;
  order: number;
  /** The answers of a list (singlevaluelist, multivaluelist); empty otherwise. */
  values: AttributeValue[];
}

/** A case's answers by attribute code: one string, or the keys chosen of a multivaluelist. */
export type AttributeAnswers = Record<string, string | string[]>;

const CODE = /^[a-z][a-z0-9_]{0,49}$/;
const LISTS: readonly AttributeDatatype[] = ['singlevaluelist', 'multivaluelist'];
/** How long an answer may be: a `string` is a line (a plate, a house number), a `text` a paragraph. */
const MAX_CHARACTERS: Partial<Record<AttributeDatatype, number>> = { string: 200, text: 4000 };
const NUMBER = /^-?\d{1,15}(\.\d{1,10})?$/;
/** A W3C date-time with its zone, as Open311 writes them. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The attributes of a category, in their order. */
export async function listCategoryAttributes(db: Db, categoryId: string): Promise<CategoryAttribute[]> {
  const rows = await db
    .selectFrom('category_attributes')
    .selectAll()
    .where('category_id', '=', categoryId)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
  return rows.map((row) => ({
    code: row.code,
    datatype: row.datatype,
    required: row.required,
    descriptionZh: row.description_zh,
    descriptionEn: row.description_en,
    order: row.sort_order,
    values: row.values,
  }));
}

/** The categories that ask anything (Open311's `metadata: true`), by id. */
export async function categoriesWithAttributes(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('category_attributes').select('category_id').distinct().execute();
  return new Set(rows.map((row) => row.category_id));
}

/**
 * Sets what a leaf category asks (replacing what it asked before). Cases already filed keep their answers;
 * a question taken away is no longer asked of new ones.
 */
export async function setCategoryAttributes(
  db: Db,
  actor: Actor,
  categoryCode: string,
  attributes: ReadonlyArray<Omit<CategoryAttribute, 'order'> & { order?: number }>,
): Promise<CategoryAttribute[]> {
  if (!mayDo(actor, 'taxonomy.edit')) throw adminOnly('change the category taxonomy');
  const category = await requireLeafCategory(db, categoryCode);
  const codes = new Set<string>();
  for (const attribute of attributes) {
    if (!CODE.test(attribute.code)) throw badAttribute(attribute.code, 'is not a lower-case code (a-z, 0-9, _)');
    if (codes.has(attribute.code)) throw badAttribute(attribute.code, 'is given twice');
    codes.add(attribute.code);
    if (!ATTRIBUTE_DATATYPES.includes(attribute.datatype)) throw badAttribute(attribute.code, 'has no such datatype');
    const isList = LISTS.includes(attribute.datatype);
    if (isList !== attribute.values.length > 0) {
      throw badAttribute(attribute.code, isList ? 'is a list without values' : 'has values but is not a list');
    }
    if (new Set(attribute.values.map((v) => v.key)).size !== attribute.values.length) {
      throw badAttribute(attribute.code, 'has a value key twice');
    }
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('category_attributes').where('category_id', '=', category.id).execute();
    if (!attributes.length) return;
    await trx
      .insertInto('category_attributes')
      .values(
        attributes.map((attribute, i) => ({
          category_id: category.id,
          code: attribute.code,
          datatype: attribute.datatype,
          required: attribute.required,
          description_zh: attribute.descriptionZh,
          description_en: attribute.descriptionEn,
          sort_order: attribute.order ?? i + 1,
          values: JSON.stringify(attribute.values.map(({ key, name }) => ({ key, name }))),
        })),
      )
      .execute();
  });
  return listCategoryAttributes(db, category.id);
}

/** Why an answer was refused: the attribute's code and what is wrong with it, in a sentence. */
export interface AttributeProblem {
  code: string;
  description: string;
}

/**
 * Reads a report's answers against what its category asks: answers to questions the category does not ask
 * are dropped (a client may send what another city asks); an empty answer counts as none. Returns the
 * answers to keep, and every problem at once (a required one missing, a value not among a list's, a value
 * not of the datatype), so a client can correct them all in one go.
 */
export function checkAttributeAnswers(
  attributes: readonly CategoryAttribute[],
  given: Record<string, string | string[] | undefined>,
): { answers: AttributeAnswers; problems: AttributeProblem[] } {
  const answers: AttributeAnswers = {};
  const problems: AttributeProblem[] = [];
  for (const attribute of attributes) {
    const raw = given[attribute.code];
    const values = [raw ?? []]
      .flat()
      .map((value) => value.trim())
      .filter(Boolean);
    const problem = (description: string) => problems.push({ code: attribute.code, description });
    if (!values.length) {
      if (attribute.required) problem(`attribute[${attribute.code}] is required (${attribute.descriptionEn})`);
      continue;
    }
    if (LISTS.includes(attribute.datatype)) {
      const keys = new Set(attribute.values.map((value) => value.key));
      const unknown = values.filter((value) => !keys.has(value));
      if (unknown.length) {
        problem(
          `attribute[${attribute.code}] must be among ${[...keys].join(', ')}, not ${unknown.slice(0, 3).join(', ')}`,
        );
      } else if (attribute.datatype === 'singlevaluelist' && values.length > 1) {
        problem(`attribute[${attribute.code}] takes one value`);
      } else {
        answers[attribute.code] = attribute.datatype === 'multivaluelist' ? [...new Set(values)] : values[0]!;
      }
      continue;
    }
    if (values.length > 1) {
      problem(`attribute[${attribute.code}] takes one value`);
      continue;
    }
    const value = values[0]!;
    const limit = MAX_CHARACTERS[attribute.datatype];
    if (attribute.datatype === 'number' && !(NUMBER.test(value) && Number.isFinite(Number(value)))) {
      problem(`attribute[${attribute.code}] must be a number`);
    } else if (
      attribute.datatype === 'datetime' &&
      !(DATE_TIME.test(value) && !Number.isNaN(new Date(value).getTime()))
    ) {
      problem(`attribute[${attribute.code}] must be a W3C date-time with its zone`);
    } else if (limit !== undefined && value.length > limit) {
      problem(`attribute[${attribute.code}] must be at most ${limit} characters`);
    } else {
      answers[attribute.code] = value;
    }
  }
  return { answers, problems };
}
