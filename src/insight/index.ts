export { insightRoutes } from './insight.routes.ts';
export { caseHotIssuesCsv, hotIssuesOfCases } from './insight.ts';
export { periodOfDays } from './period.ts';
