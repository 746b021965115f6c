import { type ExpressionBuilder, sql } from 'kysely';
import type { Database, Db } from '../db/database.ts';
import { caseNotFound } from './cases.errors.ts';

/**
 * Which cases the public sees (the FixMyStreet-style public map and list): those whose reporter consented
 * to publication (withdrawing it hides them from then on), and those no person reported (grid patrol,
 * sensors). A hotline case without a reporter on record is not published: nobody consented. Cancelled and
 * merged cases are not shown.
 */
export function published(eb: ExpressionBuilder<Database, 'cases'>) {
  return eb.and([
    eb('cases.status', 'not in', ['cancelled', 'merged']),
    eb.or([
      eb.exists(
        eb
          .selectFrom('persons')
          .select(sql.lit(1).as('one'))
          .whereRef('persons.id', '=', 'cases.reporter_person_id')
          .where('persons.publish_consent', '=', true),
      ),
      eb.and([eb('cases.reporter_person_id', 'is', null), eb('cases.channel', 'in', ['grid_patrol', 'sensor'])]),
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
    title: row.title,
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

/** Published cases, newest first; `before` is the last case number of the previous page. */
export async function listPublicCases(db: Db, options: { limit: number; before?: string }): Promise<PublicCase[]> {
  let query = publicColumns(db);
  if (options.before) {
    query = query.where(
      sql<boolean>`(cases.created_at, cases.id) < (select b.created_at, b.id from cases b where b.case_number = ${options.before})`,
    );
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
