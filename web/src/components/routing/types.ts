export type RoutingRule = Item<Answer<'/routing-rules'>>;

import type { Answer, Item } from '../../api-shapes.ts';
