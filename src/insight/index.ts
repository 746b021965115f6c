export { insightRoutes } from './insight.routes.ts';
export {
  type CaseHotIssue,
  caseHotIssuesCsv,
  hotIssuesOfCases,
  type JudgedReply,
  judgedReplies,
  type Period,
} from './insight.ts';
export { periodOfDays } from './period.ts';
