export { routingRoutes } from './routing.routes.ts';
export type { RoutingTables } from './routing.tables.ts';
export {
  createRoutingRule,
  deleteRoutingRule,
  listRoutingRules,
  localTimeOf,
  mostSpecificRule,
  type RoutingQuestion,
  type RoutingRule,
  type RoutingRuleInput,
  type RoutingSuggestion,
  ruleApplies,
  suggestRouting,
  updateRoutingRule,
} from './routing-rules.ts';
