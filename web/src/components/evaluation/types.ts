import type { Answer } from '../../api-shapes.ts';

/** The composite's weights, as the API names them (src/evaluation/indicators.ts, COMPOSITE_PARTS). */
export const WEIGHT_KEYS = ['response', 'onTime', 'solved', 'satisfied', 'rework'] as const;
export type Weights = Record<(typeof WEIGHT_KEYS)[number], number>;

export type Period = Evaluation['period'];

export type EvaluationRow = Evaluation['rows'][number];

export type Evaluation = Answer<'/evaluation'>;

/** The ranking's indicator columns, in order, and how each is shown. */
export const INDICATOR_COLUMNS: Array<{ id: keyof EvaluationRow; format: 'count' | 'rate' | 'hours' | 'score' }> = [
  { id: 'dispatches', format: 'count' },
  { id: 'responseRate', format: 'rate' },
  { id: 'onTimeRate', format: 'rate' },
  { id: 'solvedRate', format: 'rate' },
  { id: 'satisfactionRate', format: 'rate' },
  { id: 'returnRate', format: 'rate' },
  { id: 'reworkRate', format: 'rate' },
  { id: 'overdueCount', format: 'count' },
  { id: 'avgHandlingHours', format: 'hours' },
  { id: 'dissatisfiedReopens', format: 'count' },
  { id: 'composite', format: 'score' },
];

/** The rates the second chart compares. */
export const RATE_COLUMNS = [
  'responseRate',
  'onTimeRate',
  'solvedRate',
  'satisfactionRate',
  'returnRate',
  'reworkRate',
] as const;

/** The current month in the city (Asia/Shanghai), "YYYY-MM". */
export function currentCityMonth(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' })
    .formatToParts(new Date())
    .reduce<Record<string, string>>((all, p) => Object.assign(all, { [p.type]: p.value }), {});
  return `${parts.year}-${parts.month}`;
}
