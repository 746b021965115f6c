import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import { currentClassifier } from './models.ts';
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
  let categories: SuggestedCategory[] = [];
  let categoryModel: { id: string; version: number } | undefined;
  for (const target of CATEGORY_TARGETS) {
    const model = await currentClassifier(db, target);
    if (!model) continue;
    const top = model.classifier.suggest(input, 3);
    const names = await db
      .selectFrom('categories')
      .select(['code', 'name_zh', 'name_en'])
      .where(
        'code',
        'in',
        top.map((s) => s.label),
      )
      .execute();
    categories = top.flatMap((s) => {
      const category = names.find((n) => n.code === s.label);
      return category
        ? [
            {
              code: category.code,
              nameZh: category.name_zh,
              nameEn: category.name_en,
              probability: round(s.probability),
            },
          ]
        : [];
    });
    categoryModel = model;
    break;
  }
  const bodyModel = await currentClassifier(db, 'body');
  let bodies: SuggestedBody[] = [];
  if (bodyModel) {
    const top = bodyModel.classifier.suggest(input, 3);
    const names = await db
      .selectFrom('handling_bodies')
      .select(['id', 'name_zh', 'name_en'])
      .where(
        'id',
        'in',
        top.map((s) => s.label),
      )
      .execute();
    bodies = top.flatMap((s) => {
      const body = names.find((n) => n.id === s.label);
      return body
        ? [{ bodyId: body.id, nameZh: body.name_zh, nameEn: body.name_en, probability: round(s.probability) }]
        : [];
    });
  }
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

const round = (p: number) => Math.round(p * 1000) / 1000;

/**
 * Keeps what the dispatcher chose against what was suggested: accepted when the chosen category is (under)
 * the top suggestion, corrected otherwise. A suggestion is used once, by the one who asked for it.
 */
export async function recordIntakeChoice(
  db: Db,
  actor: Actor,
  suggestionId: string,
  chosen: { caseId: string; categoryCode: string },
  now: Date,
): Promise<void> {
  const suggestion = await db
    .selectFrom('intake_suggestions')
    .select(['suggested', 'created_by_user_id'])
    .where('id', '=', suggestionId)
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
    .where('id', '=', suggestionId)
    .where('case_id', 'is', null)
    .execute();
}
