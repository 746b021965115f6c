import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CityCalendar } from '../calendar/index.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import { DateTime, errorResponses, Nullable } from '../lib/http-schemas.ts';
import { requireClearance } from '../policy/index.ts';
import { caseHotIssuesCsv, hotIssuesOfCases, judgedReplies } from './insight.ts';
import { periodOfDays } from './period.ts';

const Days = {
  from: Type.Optional(Type.String({ format: 'date', description: 'First day (city time); default 90 days before to' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Last day, included; default today' })),
};

const HotIssueSchema = Type.Object({
  rank: Type.Integer(),
  heat: Type.Number(),
  heatParts: Type.Object(
    {
      reporters: Type.Number(),
      repeats: Type.Number(),
      engagement: Type.Number(),
      intensity: Type.Number(),
      growth: Type.Number(),
    },
    { description: 'What the heat is made of (see text/hot-issues.ts)' },
  ),
  title: Type.String({ description: "The representative case's title" }),
  representativeCaseNumber: Type.String(),
  place: Nullable(Type.Object({ text: Type.String(), kind: Type.String(), district: Type.Optional(Type.String()) })),
  districtName: Nullable(Type.String()),
  from: DateTime,
  to: DateTime,
  caseNumbers: Type.Array(Type.String()),
  reporters: Type.Integer({ description: 'Distinct reporters' }),
  supports: Type.Integer({ description: '"Me too"s merged into the cases' }),
  oppositions: Type.Integer(),
  keywords: Type.Array(Type.String()),
});

const Element = Type.Object({ found: Type.Boolean(), evidence: Nullable(Type.String()) });
const JudgedReplySchema = Type.Object({
  caseNumber: Type.String(),
  title: Type.String(),
  reply: Type.String(),
  repliedAt: DateTime,
  judgement: Type.Object({
    score: Type.Number({ description: '0–100' }),
    parts: Type.Object({
      relevance: Type.Number(),
      completeness: Type.Number(),
      timeliness: Nullable(Type.Number()),
      readability: Type.Number(),
    }),
    elements: Type.Object({
      acknowledges: Element,
      checked: Element,
      action: Element,
      when: Element,
      contact: Element,
    }),
    workingDays: Nullable(Type.Number()),
    holidaysCounted: Type.Boolean(),
    reasons: Type.Object({ zh: Type.Array(Type.String()), en: Type.Array(Type.String()) }),
  }),
});

/** What each page releases of the cases: their texts (masked at intake), and for replies the notes. */
const HOT_ISSUE_COLUMNS = ['case_number', 'title', 'description', 'created_at', 'me_too_count'];
const REPLY_COLUMNS = ['case_number', 'title', 'description', 'created_at'];

export const insightRoutes: FastifyPluginAsyncTypebox<{
  db: Db;
  clock: Clock;
  calendar: CityCalendar;
  timeZone: string;
}> = async (app, { db, clock, calendar, timeZone }) => {
  const tags = ['insight'];

  const HotIssuesQuery = Type.Object(
    { ...Days, top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) },
    { additionalProperties: false },
  );

  app.get(
    '/insight/hot-issues',
    {
      config: { action: 'insight.hot_issues' },
      schema: {
        tags,
        summary: 'Hot issues (热点问题): cases about the same problem at the same place, ranked by heat',
        querystring: HotIssuesQuery,
        response: {
          200: Type.Object({ from: Type.String(), to: Type.String(), issues: Type.Array(HotIssueSchema) }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      requireClearance(request.actor.clearance, 'cases', HOT_ISSUE_COLUMNS);
      const period = periodOfDays(request.query, clock.now(), timeZone);
      const issues = await hotIssuesOfCases(db, period, request.query.top ?? 10, request.actor);
      return { from: period.fromDay, to: period.toDay, issues };
    },
  );

  app.get(
    '/insight/hot-issues/export',
    {
      config: { action: 'insight.hot_issues' },
      schema: {
        tags,
        summary: 'The hot issues as CSV (UTF-8 with BOM, for Excel): rank, heat, title, place, period, cases',
        querystring: HotIssuesQuery,
        response: { 200: Type.String({ description: 'text/csv' }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      requireClearance(request.actor.clearance, 'cases', HOT_ISSUE_COLUMNS);
      const period = periodOfDays(request.query, clock.now(), timeZone);
      const issues = await hotIssuesOfCases(db, period, request.query.top ?? 10, request.actor);
      const csv = caseHotIssuesCsv(issues);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="hot-issues-${period.fromDay}-${period.toDay}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/insight/replies',
    {
      config: { action: 'insight.replies' },
      schema: {
        tags,
        summary: "Handling bodies' replies to cases, judged for relevance, completeness, timeliness and readability",
        querystring: Type.Object(
          { ...Days, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ from: Type.String(), to: Type.String(), replies: Type.Array(JudgedReplySchema) }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      requireClearance(request.actor.clearance, 'cases', REPLY_COLUMNS);
      requireClearance(request.actor.clearance, 'case_events', ['note', 'created_at']);
      const period = periodOfDays(request.query, clock.now(), timeZone);
      const replies = await judgedReplies(db, request.actor, period, calendar.current, request.query.limit ?? 20);
      return { from: period.fromDay, to: period.toDay, replies };
    },
  );
};
