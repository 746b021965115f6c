import { caseNotFound, PUBLIC_STEP_ACTIONS, PUBLIC_STEP_WORDS, published } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import { likePrefix } from '../lib/like.ts';
import { enqueueNotifications } from '../notifications/index.ts';
import type { Actor } from '../organizations/index.ts';
import { emptyTarget, noPerson, subscriptionNotFound } from './portal.errors.ts';

export type SubscriptionTarget = { caseNumber: string } | { areaCode?: string; categoryCode?: string };

export interface Subscription {
  id: string;
  caseNumber: string | null;
  areaCode: string | null;
  categoryCode: string | null;
  createdAt: Date;
}

/** A followed area is told at most once an hour (a digest); a followed case at each sweep. */
const AREA_DIGEST_MS = 3_600_000;
const SWEEP_BATCH = 100;
const CASES_NAMED_IN_A_DIGEST = 5;

/**
 * Follows a published case (or the resident's own), or an area and/or a category: the resident hears of
 * new public steps from now on. Following twice is following once.
 */
export async function subscribe(db: Db, actor: Actor, target: SubscriptionTarget, now: Date): Promise<Subscription> {
  if (!actor.personId) throw noPerson();
  let values: { case_id: string | null; area_code: string | null; category_code: string | null };
  if ('caseNumber' in target) {
    const row = await db
      .selectFrom('cases')
      .select('id')
      .where('case_number', '=', target.caseNumber)
      .where((eb) => eb.or([published(eb), eb('cases.reported_by_user_id', '=', actor.userId)]))
      .executeTakeFirst();
    if (!row) throw caseNotFound(target.caseNumber);
    values = { case_id: row.id, area_code: null, category_code: null };
  } else {
    if (!target.areaCode && !target.categoryCode) throw emptyTarget();
    values = { case_id: null, area_code: target.areaCode ?? null, category_code: target.categoryCode ?? null };
  }
  // Told of steps from this moment on, one taken in this very millisecond included.
  const from = new Date(now.getTime() - 1);
  await db
    .insertInto('subscriptions')
    .values({ person_id: actor.personId, ...values, created_at: now, last_seen_at: from })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const mine = await listSubscriptions(db, actor);
  return mine.find((s) =>
    'caseNumber' in target
      ? s.caseNumber === target.caseNumber
      : s.caseNumber === null &&
        s.areaCode === (target.areaCode ?? null) &&
        s.categoryCode === (target.categoryCode ?? null),
  )!;
}

export async function listSubscriptions(db: Db, actor: Actor): Promise<Subscription[]> {
  if (!actor.personId) return [];
  const rows = await db
    .selectFrom('subscriptions')
    .leftJoin('cases', 'cases.id', 'subscriptions.case_id')
    .select([
      'subscriptions.id',
      'cases.case_number',
      'subscriptions.area_code',
      'subscriptions.category_code',
      'subscriptions.created_at',
    ])
    .where('subscriptions.person_id', '=', actor.personId)
    .orderBy('subscriptions.created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    caseNumber: row.case_number,
    areaCode: row.area_code,
    categoryCode: row.category_code,
    createdAt: row.created_at,
  }));
}

export async function unsubscribe(db: Db, actor: Actor, id: string): Promise<void> {
  const deleted = await db
    .deleteFrom('subscriptions')
    .where('id', '=', id)
    .where('person_id', '=', actor.personId ?? '00000000-0000-0000-0000-000000000000')
    .executeTakeFirst();
  if (!deleted.numDeletedRows) throw subscriptionNotFound(id);
}

/** An area and a category followed, by their names in both languages ("芙蓉区 / 城乡建设"). */
async function followedNames(db: Db, subscription: { area_code: string | null; category_code: string | null }) {
  const [area, category] = await Promise.all([
    subscription.area_code
      ? db
          .selectFrom('grid_areas')
          .select(['name_zh', 'name_en'])
          .where('code', '=', subscription.area_code)
          .executeTakeFirst()
      : undefined,
    subscription.category_code
      ? db
          .selectFrom('categories')
          .select(['name_zh', 'name_en'])
          .where('code', '=', subscription.category_code)
          .executeTakeFirst()
      : undefined,
  ]);
  const named = (language: 'name_zh' | 'name_en') =>
    [area?.[language] ?? subscription.area_code, category?.[language] ?? subscription.category_code]
      .filter(Boolean)
      .join(' / ');
  return { areaZh: named('name_zh'), areaEn: named('name_en') };
}

/**
 * Tells each subscriber of the public steps since they were last told: a message per followed case with
 * new steps, a digest per followed area (at most hourly). Due subscriptions are taken with `FOR UPDATE
 * SKIP LOCKED` and moved on in the transaction that queues their messages, so several instances share the
 * work and a step is told once. Only published cases are told of (a case whose reporter withdrew consent
 * falls silent), and the outbox sends only to those who consented to be contacted.
 */
export async function runSubscriptionSweep(db: Db, now: Date): Promise<{ subscriptions: number; messages: number }> {
  let subscriptions = 0;
  let messages = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('subscriptions')
        .selectAll()
        .where('last_seen_at', '<', now)
        .where((eb) =>
          eb.or([eb('case_id', 'is not', null), eb('last_seen_at', '<=', new Date(now.getTime() - AREA_DIGEST_MS))]),
        )
        .orderBy('last_seen_at')
        .limit(SWEEP_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      let queued = 0;
      for (const subscription of due) {
        let steps = trx
          .selectFrom('case_events')
          .innerJoin('cases', 'cases.id', 'case_events.case_id')
          .innerJoin('categories', 'categories.id', 'cases.category_id')
          .select(['cases.id as case_id', 'cases.case_number', 'case_events.action'])
          .where(published)
          .where('case_events.action', 'in', PUBLIC_STEP_ACTIONS)
          .where('case_events.created_at', '>', subscription.last_seen_at)
          .where('case_events.created_at', '<=', now);
        if (subscription.case_id) steps = steps.where('cases.id', '=', subscription.case_id);
        if (subscription.area_code) steps = steps.where('cases.grid_code', 'like', likePrefix(subscription.area_code));
        if (subscription.category_code) {
          steps = steps.where('categories.code', 'like', likePrefix(subscription.category_code));
        }
        const found = await steps.orderBy('case_events.created_at').orderBy('case_events.seq').execute();
        if (found.length) {
          queued += await enqueueNotifications(
            trx,
            [subscription.person_id],
            subscription.case_id
              ? {
                  caseId: subscription.case_id,
                  template: 'followed_case_steps',
                  params: {
                    caseNumber: found[0]!.case_number,
                    stepsZh: found
                      .map((s) => PUBLIC_STEP_WORDS[s.action as keyof typeof PUBLIC_STEP_WORDS].zh)
                      .join('，'),
                    stepsEn: found
                      .map((s) => PUBLIC_STEP_WORDS[s.action as keyof typeof PUBLIC_STEP_WORDS].en)
                      .join(', '),
                  },
                }
              : {
                  caseId: null,
                  template: 'followed_area_digest',
                  params: {
                    ...(await followedNames(trx, subscription)),
                    count: String(found.length),
                    caseNumbers: [...new Set(found.map((s) => s.case_number))]
                      .slice(0, CASES_NAMED_IN_A_DIGEST)
                      .join(', '),
                  },
                },
            now,
          );
        }
        await trx.updateTable('subscriptions').set({ last_seen_at: now }).where('id', '=', subscription.id).execute();
      }
      return { due: due.length, queued };
    });
    subscriptions += batch.due;
    messages += batch.queued;
    if (batch.due < SWEEP_BATCH) break;
  }
  return { subscriptions, messages };
}
