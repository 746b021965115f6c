import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import type { TextClassifier } from './classifier.ts';
import type { TextInput } from './features.ts';
import { currentClassifiers } from './models.ts';
import type { ModelTarget } from './text.tables.ts';
import { assessUrgency, type Urgency } from './urgency.ts';

export interface SuggestedCategory {
  code: string;
  nameZh: string;
  nameEn: string;
  probability: number;
}

export interface SuggestedBody {
  bodyId: string;
  nameZh: string;
  nameEn: string;
  probability: number;
}

export interface IntakeSuggestion {
  /** Quote it when reporting the case, so what the dispatcher chose is kept against what was suggested. */
  id: string;
  /** The finest category level with a trained model; top three, likeliest first; empty before training. */
  categories: SuggestedCategory[];
  categoryModelVersion: number | null;
  bodies: SuggestedBody[];
  urgency: Urgency;
}

const CATEGORY_TARGETS: ModelTarget[] = ['category_3', 'category_2', 'category_1'];

/**
 * What the text of a new report suggests: category and handling body (top three with calibrated
 * probabilities), and any danger it describes. Recorded, so the dispatcher's choice can be compared
 * with it when the case is reported.
 */
export async function suggestForIntake(
  db: Db,
  actor: Actor,
  text: { title: string; description: string },
  now: Date,
): Promise<IntakeSuggestion> {
  const input = { title: text.title, body: text.description };
  const models = await currentClassifiers(db);
  const { categories, categoryModel } = await suggestCategoriesWith(db, models, input);
  const bodyModel = models.get('body');
  const bodies: SuggestedBody[] = bodyModel
    ? (
        await topThreeNamed(bodyModel.classifier, input, (ids) =>
          db.selectFrom('handling_bodies').select(['id as key', 'name_zh', 'name_en']).where('id', 'in', ids).execute(),
        )
      ).map(({ key, ...s }) => ({ bodyId: key, ...s }))
    : [];
  const urgency = assessUrgency(`${text.title}。${text.description}`);
  const row = await db
    .insertInto('intake_suggestions')
    .values({
      model_id: categoryModel?.id ?? null,
      suggested: JSON.stringify({
        categories: categories.map((c) => ({ code: c.code, probability: c.probability })),
        bodies: bodies.map((b) => ({ bodyId: b.bodyId, probability: b.probability })),
      }),
      created_at: now,
      created_by_user_id: actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, categories, categoryModelVersion: categoryModel?.version ?? null, bodies, urgency };
}

/**
 * The three likeliest categories of a text, at the finest level with a trained model, recorded nowhere:
 * for the public portal, where a resident types before signing in.
 */
export async function suggestCategories(
  db: Db,
  text: { title: string; description: string },
): Promise<SuggestedCategory[]> {
  const models = await currentClassifiers(db);
  return (await suggestCategoriesWith(db, models, { title: text.title, body: text.description })).categories;
}

async function suggestCategoriesWith(db: Db, models: Awaited<ReturnType<typeof currentClassifiers>>, input: TextInput) {
  const categoryTarget = CATEGORY_TARGETS.find((target) => models.has(target));
  const categoryModel = categoryTarget ? models.get(categoryTarget) : undefined;
  const categories: SuggestedCategory[] = categoryModel
    ? (
        await topThreeNamed(categoryModel.classifier, input, (codes) =>
          db
            .selectFrom('categories')
            .select(['code as key', 'name_zh', 'name_en'])
            .where('code', 'in', codes)
            .execute(),
        )
      ).map(({ key, ...s }) => ({ code: key, ...s }))
    : [];
  return { categories, categoryModel };
}

/** The classifier's three likeliest labels with their names; a label whose row is gone is left out. */
async function topThreeNamed(
  classifier: TextClassifier,
  input: TextInput,
  namesOf: (keys: string[]) => Promise<{ key: string; name_zh: string; name_en: string }[]>,
): Promise<{ key: string; nameZh: string; nameEn: string; probability: number }[]> {
  const top = classifier.suggest(input, 3);
  const rows = await namesOf(top.map((s) => s.label));
  return top.flatMap((s) => {
    const row = rows.find((r) => r.key === s.label);
    const probability = Math.round(s.probability * 1000) / 1000;
    return row ? [{ key: row.key, nameZh: row.name_zh, nameEn: row.name_en, probability }] : [];
  });
}

/**
 * Keeps what the dispatcher chose against what was suggested: accepted when the chosen category is (under)
 * the top suggestion, corrected otherwise. A suggestion is used once, by the one who asked for it.
 */
export async function recordIntakeChoice(
  db: Db,
  actor: Actor,
  intakeSuggestionId: string,
  chosen: { caseId: string; categoryCode: string },
  now: Date,
): Promise<void> {
  const suggestion = await db
    .selectFrom('intake_suggestions')
    .select(['suggested', 'created_by_user_id'])
    .where('id', '=', intakeSuggestionId)
    .where('case_id', 'is', null)
    .executeTakeFirst();
  if (!suggestion || suggestion.created_by_user_id !== actor.userId) return;
  const top = suggestion.suggested.categories[0]?.code;
  await db
    .updateTable('intake_suggestions')
    .set({
      case_id: chosen.caseId,
      chosen_category_code: chosen.categoryCode,
      // Nothing suggested (no model yet): the choice is kept, but it neither accepts nor corrects.
      outcome: top === undefined ? null : chosen.categoryCode.startsWith(top) ? 'accepted' : 'corrected',
      decided_at: now,
    })
    .where('id', '=', intakeSuggestionId)
    .where('case_id', 'is', null)
    .execute();
}

// A report is filed within minutes of reading its text; a suggestion still unused after a day belongs to a
// form that was abandoned, and keeping it would only grow the table.
const UNUSED_SUGGESTION_HOURS = 24;

/** Deletes suggestions no case ever quoted, a day on (a sweep: idempotent, safe on every instance). */
export async function forgetUnusedSuggestions(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('intake_suggestions')
    .where('case_id', 'is', null)
    .where('created_at', '<', new Date(now.getTime() - UNUSED_SUGGESTION_HOURS * 3_600_000))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
