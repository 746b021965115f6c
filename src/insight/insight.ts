import type { WorkingCalendar } from '../calendar/index.ts';
import { visibleTo } from '../cases/index.ts';
import type { Db } from '../db/database.ts';
import type { Actor } from '../organizations/index.ts';
import {
  cityGazetteer,
  type HotIssue,
  hotIssuesCsv,
  mineHotIssues,
  type ReplyJudgement,
  rankReplies,
} from '../text/index.ts';

/** A period of days in the city's time: from the start of `from` to the end of `to`. */
export interface Period {
  from: Date;
  to: Date;
}

export interface CaseHotIssue extends Omit<HotIssue, 'memberIds' | 'representativeId'> {
  /** The cases of the issue, by case number, oldest first. */
  caseNumbers: string[];
  representativeCaseNumber: string;
  districtName: string | null;
}

/**
 * Hot issues (热点问题) among the cases the actor may see that were reported in the period: the same
 * problem at the same place over time, ranked by heat. A case's "me too" count stands for its supports,
 * and its reporter for its author.
 */
export async function hotIssuesOfCases(
  db: Db,
  period: Period,
  top: number,
  /** Whose view; without one, every case (the command line, run by the server's operator). */
  actor?: Actor,
): Promise<CaseHotIssue[]> {
  let query = db.selectFrom('cases');
  if (actor) query = query.where(visibleTo(actor));
  const rows = await query
    .select([
      'cases.case_number',
      'cases.title',
      'cases.description',
      'cases.created_at',
      'cases.me_too_count',
      'cases.reporter_person_id',
    ])
    // A merged case's "me too" is already counted in the case it joined.
    .where('cases.status', 'not in', ['cancelled', 'merged'])
    .where('cases.created_at', '>=', period.from)
    .where('cases.created_at', '<', period.to)
    .execute();
  const gazetteer = await cityGazetteer(db);
  const issues = mineHotIssues(
    rows.map((r) => ({
      id: r.case_number,
      // A case without a reporter on record (a hotline caller who gave no name) is its own reporter: the
      // dispatcher who typed it in is not one person complaining many times.
      author: r.reporter_person_id ?? r.case_number,
      title: r.title,
      detail: r.description,
      writtenAt: r.created_at,
      supports: r.me_too_count,
      oppositions: 0,
    })),
    gazetteer,
  ).slice(0, top);
  const districtCodes = [...new Set(issues.flatMap((i) => (i.place?.district ? [i.place.district] : [])))];
  const names = districtCodes.length
    ? await db.selectFrom('grid_areas').select(['code', 'name_zh']).where('code', 'in', districtCodes).execute()
    : [];
  return issues.map(({ memberIds, representativeId, ...issue }) => ({
    ...issue,
    caseNumbers: memberIds,
    representativeCaseNumber: representativeId,
    districtName: names.find((n) => n.code === issue.place?.district)?.name_zh ?? null,
  }));
}

/** The hot issues of cases as CSV (UTF-8 with BOM, for Excel), members by case number. */
export function caseHotIssuesCsv(issues: readonly CaseHotIssue[]): string {
  const districtNames = new Map(
    issues.flatMap((i) => (i.place?.district && i.districtName ? [[i.place.district, i.districtName] as const] : [])),
  );
  return hotIssuesCsv(
    issues.map(({ caseNumbers, representativeCaseNumber, districtName: _name, ...issue }) => ({
      ...issue,
      memberIds: caseNumbers,
      representativeId: representativeCaseNumber,
    })),
    districtNames,
  );
}

export interface JudgedReply {
  caseNumber: string;
  title: string;
  reply: string;
  repliedAt: Date;
  judgement: ReplyJudgement;
}

/**
 * The replies handling bodies gave (the note of each "handled" step) to cases the actor may see reported
 * in the period, judged for relevance, completeness, timeliness on the city's working calendar and
 * readability; weakest first.
 */
export async function judgedReplies(
  db: Db,
  actor: Actor,
  period: Period,
  calendar: WorkingCalendar,
  limit: number,
): Promise<JudgedReply[]> {
  const rows = await db
    .selectFrom('case_events')
    .innerJoin('cases', 'cases.id', 'case_events.case_id')
    .select(['cases.case_number', 'cases.title', 'cases.description', 'cases.created_at'])
    .select(['case_events.note', 'case_events.created_at as replied_at'])
    .where(visibleTo(actor))
    .where('case_events.action', '=', 'handle')
    .where('case_events.note', 'is not', null)
    .where('cases.created_at', '>=', period.from)
    .where('cases.created_at', '<', period.to)
    .execute();
  // A case handled again after a failed verification has several replies: the latest is the one that stands.
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const seen = latest.get(r.case_number);
    if (!seen || r.replied_at > seen.replied_at) latest.set(r.case_number, r);
  }
  const ranked = rankReplies(
    [...latest.values()].map((r) => ({
      caseNumber: r.case_number,
      title: r.title,
      detail: r.description,
      writtenAt: r.created_at,
      reply: r.note ?? '',
      repliedAt: r.replied_at,
    })),
    { calendar },
  );
  return ranked.slice(0, limit).map(({ record, judgement }) => ({
    caseNumber: record.caseNumber,
    title: record.title,
    reply: record.reply,
    repliedAt: record.repliedAt,
    judgement,
  }));
}
