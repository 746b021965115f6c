import type { Db } from '../db/database.ts';
import { type Actor, defaultBodyFor, requireCategory, requireHandlingBody } from '../organizations/index.ts';
import { mayDo } from '../policy/index.ts';
import { badTimeWindow, mayNotEditRouting, routingRuleNotFound, unknownArea } from './routing.errors.ts';

export interface RoutingRule {
  id: string;
  categoryCode: string | null;
  areaCode: string | null;
  /** Local time "HH:MM"; the window may wrap midnight. */
  window: { start: string; end: string } | null;
  leadBodyId: string;
  assistingBodyIds: string[];
  note: string | null;
  updatedAt: Date;
}

export interface RoutingQuestion {
  categoryCode: string;
  gridCode: string | null;
  /** Local time of day "HH:MM" at which the case was reported. */
  localTime: string;
}

export function ruleApplies(rule: RoutingRule, question: RoutingQuestion): boolean {
  if (rule.categoryCode && !question.categoryCode.startsWith(rule.categoryCode)) return false;
  if (rule.areaCode && !question.gridCode?.startsWith(rule.areaCode)) return false;
  if (rule.window) {
    const { start, end } = rule.window;
    const t = question.localTime;
    const inside = start < end ? t >= start && t < end : t >= start || t < end;
    if (!inside) return false;
  }
  return true;
}

/**
 * How specific a rule is, compared field by field: the category first (a leaf beats its parent beats
 * "any"), then the area (a grid beats its street beats its district), then a time window beats none.
 */
function specificity(rule: RoutingRule): number[] {
  return [rule.categoryCode?.length ?? 0, rule.areaCode?.length ?? 0, rule.window ? 1 : 0];
}

function compareSpecificity(a: RoutingRule, b: RoutingRule): number {
  const [sa, sb] = [specificity(a), specificity(b)];
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sb[i]! - sa[i]!;
  // Equally specific: the rule changed last wins, so a correction takes effect without deleting the old one.
  return b.updatedAt.getTime() - a.updatedAt.getTime();
}

/** The rule that applies to a question: the most specific of those that match. */
export function mostSpecificRule(rules: readonly RoutingRule[], question: RoutingQuestion): RoutingRule | null {
  return rules.filter((r) => ruleApplies(r, question)).sort(compareSpecificity)[0] ?? null;
}

function prefixesOf(code: string, step: number): string[] {
  const prefixes = [];
  for (let n = step; n <= code.length; n += step) prefixes.push(code.slice(0, n));
  return prefixes;
}

function toRule(row: {
  id: string;
  category_code: string | null;
  area_code: string | null;
  window_start: string | null;
  window_end: string | null;
  lead_body_id: string;
  assisting_body_ids: string[];
  note: string | null;
  updated_at: Date;
}): RoutingRule {
  return {
    id: row.id,
    categoryCode: row.category_code,
    areaCode: row.area_code,
    window:
      row.window_start && row.window_end
        ? { start: row.window_start.slice(0, 5), end: row.window_end.slice(0, 5) }
        : null,
    leadBodyId: row.lead_body_id,
    assistingBodyIds: row.assisting_body_ids,
    note: row.note,
    updatedAt: row.updated_at,
  };
}

export function listRoutingRules(db: Db): Promise<RoutingRule[]> {
  return db
    .selectFrom('routing_rules')
    .selectAll()
    .orderBy('category_code')
    .orderBy('area_code')
    .execute()
    .then((rows) => rows.map(toRule));
}

export interface RoutingSuggestion {
  leadBodyId: string | null;
  assistingBodyIds: string[];
  /** Why: a routing rule, the category's default body, or nothing (the case waits for the dispatcher). */
  source: 'rule' | 'category_default' | 'none';
  rule: RoutingRule | null;
}

/** Where a case of this category, at this place, reported at this time, should go. */
export async function suggestRouting(db: Db, question: RoutingQuestion): Promise<RoutingSuggestion> {
  // Only the rules that could match by category and area are read: their codes are prefixes of the case's.
  const categoryPrefixes = prefixesOf(question.categoryCode, 2);
  const areaPrefixes = question.gridCode ? prefixesOf(question.gridCode, 1) : [];
  const rows = await db
    .selectFrom('routing_rules')
    .selectAll()
    .where((eb) =>
      eb.and([
        eb.or([eb('category_code', 'is', null), eb('category_code', 'in', categoryPrefixes)]),
        areaPrefixes.length
          ? eb.or([eb('area_code', 'is', null), eb('area_code', 'in', areaPrefixes)])
          : eb('area_code', 'is', null),
      ]),
    )
    .execute();
  const rule = mostSpecificRule(rows.map(toRule), question);
  if (rule) return { leadBodyId: rule.leadBodyId, assistingBodyIds: rule.assistingBodyIds, source: 'rule', rule };
  const fallback = await defaultBodyFor(db, question.categoryCode);
  return {
    leadBodyId: fallback,
    assistingBodyIds: [],
    source: fallback ? 'category_default' : 'none',
    rule: null,
  };
}

/** "HH:MM" local time of an instant in a time zone. */
export function localTimeOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    at,
  );
}

export interface RoutingRuleInput {
  categoryCode?: string | null;
  areaCode?: string | null;
  window?: { start: string; end: string } | null;
  leadBodyId: string;
  assistingBodyIds?: string[];
  note?: string | null;
}

async function checkedValues(db: Db, actor: Actor, input: RoutingRuleInput) {
  if (!mayDo(actor, 'routing.edit')) throw mayNotEditRouting();
  if (input.categoryCode) await requireCategory(db, input.categoryCode);
  if (input.areaCode) {
    const area = await db.selectFrom('grid_areas').select('code').where('code', '=', input.areaCode).executeTakeFirst();
    if (!area) throw unknownArea(input.areaCode);
  }
  if (input.window && input.window.start === input.window.end) throw badTimeWindow();
  const assisting = [...new Set(input.assistingBodyIds ?? [])].filter((id) => id !== input.leadBodyId);
  for (const id of [input.leadBodyId, ...assisting]) await requireHandlingBody(db, id);
  return {
    category_code: input.categoryCode || null,
    area_code: input.areaCode || null,
    window_start: input.window?.start ?? null,
    window_end: input.window?.end ?? null,
    lead_body_id: input.leadBodyId,
    assisting_body_ids: assisting,
    note: input.note?.trim() || null,
  };
}

export async function createRoutingRule(db: Db, actor: Actor, input: RoutingRuleInput): Promise<RoutingRule> {
  const values = await checkedValues(db, actor, input);
  const row = await db.insertInto('routing_rules').values(values).returningAll().executeTakeFirstOrThrow();
  return toRule(row);
}

export async function updateRoutingRule(
  db: Db,
  actor: Actor,
  id: string,
  input: RoutingRuleInput,
): Promise<RoutingRule> {
  const values = await checkedValues(db, actor, input);
  const row = await db
    .updateTable('routing_rules')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw routingRuleNotFound(id);
  return toRule(row);
}

export async function deleteRoutingRule(db: Db, actor: Actor, id: string): Promise<void> {
  if (!mayDo(actor, 'routing.edit')) throw mayNotEditRouting();
  const result = await db.deleteFrom('routing_rules').where('id', '=', id).executeTakeFirst();
  if (!result.numDeletedRows) throw routingRuleNotFound(id);
}
