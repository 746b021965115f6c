export interface RoutingRule {
  id: string;
  categoryCode: string | null;
  areaCode: string | null;
  window: { start: string; end: string } | null;
  leadBodyId: string;
  assistingBodyIds: string[];
  note: string | null;
  updatedAt: string;
}
