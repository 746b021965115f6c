import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import { maskForPublic } from '../privacy/index.ts';
import { caseNotFound } from './cases.errors.ts';

/**
 * Which cases the public sees (the FixMyStreet-style public map and list): those whose reporter consented
 * to publication (withdrawing it hides them from then on), and those no person reported (grid patrol,
 * sensors, or an Open311 application that gave no contact: its reports are public there already). A hotline case without a reporter on record is not published: nobody consented. A case is
 * shown only once the desk has read and registered it (立案), its moderation: a new report is not
 * public, and cancelled and merged cases never are.
 */
export function published(eb: ExpressionBuilder<Database, 'cases'>) {
  return eb.and([
    eb('cases.status', 'not in', ['reported', 'cancelled', 'merged']),
    eb.or([
      eb.exists(
        eb
          .selectFrom('persons')
          .select(sql.lit(1).as('one'))
          .whereRef('persons.id', '=', 'cases.reporter_person_id')
          .where('persons.publish_consent', '=', true),
      ),
      eb.and([
        eb('cases.reporter_person_id', 'is', null),
        eb('cases.channel', 'in', ['grid_patrol', 'sensor', 'open311']),
      ]),
    ]),
  ]);
}

export interface PublicCase {
  caseNumber: string;
  title: string;
  status: string;
  category: { code: string; nameZh: string; nameEn: string };
  gridCode: string | null;
  /** Rounded to about 100 m: enough to see where, not to find someone's door. */
  location: { longitude: number; latitude: number } | null;
  createdAt: Date;
  closedAt: Date | null;
}

const ROUND = 1000;

function publicColumns(db: Db) {
  return db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .select([
      'cases.id',
      'cases.case_number',
      'cases.title',
      'cases.status',
      'categories.code',
      'categories.name_zh',
      'categories.name_en',
      'cases.grid_code',
      'cases.longitude',
      'cases.latitude',
      'cases.created_at',
      'cases.closed_at',
    ])
    .where(published);
}

function toPublic(row: Awaited<ReturnType<ReturnType<typeof publicColumns>['executeTakeFirstOrThrow']>>): PublicCase {
  return {
    caseNumber: row.case_number,
    // Masked at intake; masked again with today's detector before it leaves for the public, so what the
    // detector learnt since also covers older cases.
    title: maskForPublic(row.title),
    status: row.status,
    category: { code: row.code, nameZh: row.name_zh, nameEn: row.name_en },
    gridCode: row.grid_code,
    location:
      row.longitude === null || row.latitude === null
        ? null
        : {
            longitude: Math.round(row.longitude * ROUND) / ROUND,
            latitude: Math.round(row.latitude * ROUND) / ROUND,
          },
    createdAt: row.created_at,
    closedAt: row.closed_at,
  };
}

/**
 * Published cases, newest first; `before` is the last case number of the previous page. A `before` that is
 * not a published case gives an empty page, as an unknown number does: the answer must not tell that an
 * unpublished case exists, or when it was reported.
 */
export async function listPublicCases(db: Db, options: { limit: number; before?: string }): Promise<PublicCase[]> {
  let query = publicColumns(db);
  if (options.before) {
    // The inner `cases` is the subquery's own: SQL resolves a name in the nearest scope.
    const position = db
      .selectFrom('cases')
      .select(['cases.created_at', 'cases.id'])
      .where('cases.case_number', '=', options.before)
      .where(published);
    query = query.where(sql<boolean>`(cases.created_at, cases.id) < (${position})`);
  }
  const rows = await query
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map(toPublic);
}

export async function getPublicCase(db: Db, caseNumber: string): Promise<PublicCase> {
  const row = await publicColumns(db).where('cases.case_number', '=', caseNumber).executeTakeFirst();
  if (!row) throw caseNotFound(caseNumber);
  return toPublic(row);
}
