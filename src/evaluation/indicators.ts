import { defineError } from '../lib/app-error.ts';

/**
 * The indicators of the comprehensive evaluation (综合评价), defined once: the API returns these
 * definitions with the figures, and the console shows them beside each column.
 *
 * The unit is the dispatch (派遣): one sending of a case to one handling body. A body, street, district or
 * grid is evaluated on the dispatches made in the period (to the body; of cases in the area), as they
 * stand when the evaluation is run. A dispatch the dispatcher withdrew before the body answered (改派) is
 * the dispatcher's, not the body's, and is left out. Rates leave out what is not decided yet (a deadline
 * still running and not passed), so a period can be evaluated before all its cases are finished.
 */
export const INDICATORS = {
  dispatches: {
    nameZh: '派遣量',
    nameEn: 'Dispatches',
    definitionZh: '期内派遣给该单位（或该区域内案件）的次数，不含签收前被改派的派遣。',
    definitionEn:
      'Dispatches made in the period (to the body, or of cases in the area), not counting those re-dispatched before the body answered.',
  },
  responseRate: {
    nameZh: '响应率',
    nameEn: 'Response rate',
    definitionZh: '在签收时限内签收或退回的派遣 ÷ 签收已有结果（已签收、已退回或已超时）的派遣。',
    definitionEn:
      'Dispatches accepted or returned within the response deadline ÷ dispatches whose response is decided (answered, or its deadline passed).',
  },
  onTimeRate: {
    nameZh: '按期办结率',
    nameEn: 'On-time handling rate',
    definitionZh:
      '在办结时限（含批准的延期）内办理并通过核查的派遣 ÷ 办结已有结果（已核查通过或已超时）的派遣；退回的不计。',
    definitionEn:
      'Dispatches handled, and then verified, within the handling deadline (approved extensions included) ÷ dispatches whose handling is decided (verified, or its deadline passed); returned dispatches are left out.',
  },
  solvedRate: {
    nameZh: '解决率',
    nameEn: 'Solved rate',
    definitionZh: '回访中答“已解决”的 ÷ 已回访的派遣。',
    definitionEn: 'Surveys answering "solved" ÷ dispatches surveyed.',
  },
  satisfactionRate: {
    nameZh: '满意率',
    nameEn: 'Satisfaction rate',
    definitionZh: '回访中“满意”与“基本满意”的 ÷ 已回访的派遣。',
    definitionEn: 'Surveys answering satisfied or basically satisfied ÷ dispatches surveyed.',
  },
  returnRate: {
    nameZh: '退单率',
    nameEn: 'Return rate',
    definitionZh: '被退回（退单）的派遣 ÷ 派遣量。',
    definitionEn: 'Dispatches returned by the body (退单) ÷ dispatches.',
  },
  reworkRate: {
    nameZh: '返工率',
    nameEn: 'Rework rate',
    definitionZh: '至少一次核查不通过的派遣 ÷ 至少办理过一次的派遣。',
    definitionEn: 'Dispatches that failed verification at least once ÷ dispatches handled at least once.',
  },
  overdueCount: {
    nameZh: '超期数',
    nameEn: 'Overdue',
    definitionZh: '签收或办结超过时限的派遣数（含仍未完成而已超时的）。',
    definitionEn: 'Dispatches whose response or handling deadline was missed (including those still open past it).',
  },
  avgHandlingHours: {
    nameZh: '平均办理时长（工作小时）',
    nameEn: 'Average handling time (working hours)',
    definitionZh:
      '已核查通过的派遣从派遣到办理完毕所用的工作时间的平均值，不含挂起和等待核查的时间；紧急案件按自然时间计，不计入。',
    definitionEn:
      'Mean working time from dispatch to the handling, over verified dispatches, leaving out suspensions and waiting for verification; urgent cases run on wall-clock time and are left out.',
  },
  dissatisfiedReopens: {
    nameZh: '不满意重办数',
    nameEn: 'Reopened as dissatisfied',
    definitionZh: '回访不满意而重新办理的派遣数，计入该单位。',
    definitionEn: 'Dispatches reopened because the reporter was dissatisfied; counted against the body.',
  },
  composite: {
    nameZh: '综合得分',
    nameEn: 'Composite score',
    definitionZh:
      '响应率、按期办结率、解决率、满意率与（1 − 返工率）按权重加权（默认 10 : 40 : 20 : 20 : 10），满分 100；加权的任一项无数据时不计分。',
    definitionEn:
      'Response, on-time handling, solved and satisfaction rates and (1 − rework rate), weighted (default 10 : 40 : 20 : 20 : 10), out of 100; no score when any weighted rate has no data.',
  },
} as const;

export const DISPATCHER_INDICATORS = {
  dispatches: {
    nameZh: '派遣量',
    nameEn: 'Dispatches',
    definitionZh: '期内该派遣员做出的全部派遣。',
    definitionEn: 'Every dispatch the dispatcher made in the period.',
  },
  accurateRate: {
    nameZh: '准确派遣率',
    nameEn: 'Accurate-dispatch rate',
    definitionZh: '未被退回、也未被改派的派遣 ÷ 派遣量。',
    definitionEn: 'Dispatches neither returned by the body nor re-dispatched elsewhere ÷ dispatches.',
  },
  overrides: {
    nameZh: '改选次数',
    nameEn: 'Overrides',
    definitionZh: '派遣员没有采用系统建议单位的派遣数。',
    definitionEn: 'Dispatches to a body other than the suggested one.',
  },
} as const;

export const GRID_WORKER_INDICATORS = {
  reports: {
    nameZh: '上报量',
    nameEn: 'Reports',
    definitionZh: '期内该网格员巡查上报的案件数。',
    definitionEn: 'Cases the grid worker reported on patrol in the period.',
  },
  validReportRate: {
    nameZh: '有效上报率',
    nameEn: 'Valid-report rate',
    definitionZh: '未被作废（不予受理）的上报 ÷ 上报量。',
    definitionEn: 'Reports not cancelled as invalid ÷ reports.',
  },
  verifications: {
    nameZh: '核查量',
    nameEn: 'Verifications',
    definitionZh: '期内该网格员完成的核查数。',
    definitionEn: 'Verifications the grid worker completed in the period.',
  },
  onTimeVerificationRate: {
    nameZh: '按时核查率',
    nameEn: 'On-time verification rate',
    definitionZh: '在核查时限内完成的核查 ÷ 完成的核查。',
    definitionEn: 'Verifications done within the verification deadline ÷ verifications done.',
  },
} as const;

/**
 * The parts of the composite score: which indicator each weight multiplies, and whether a higher rate is
 * better (a rework rate counts as its complement, 1 − rate). A new part is one line here, its default
 * weight below and its indicator above; the API's weight schema and the console's weights panel follow
 * this list.
 */
export const COMPOSITE_PARTS = [
  { weight: 'response', indicator: 'responseRate', higherIsBetter: true },
  { weight: 'onTime', indicator: 'onTimeRate', higherIsBetter: true },
  { weight: 'solved', indicator: 'solvedRate', higherIsBetter: true },
  { weight: 'satisfied', indicator: 'satisfactionRate', higherIsBetter: true },
  { weight: 'rework', indicator: 'reworkRate', higherIsBetter: false },
] as const;

export type WeightKey = (typeof COMPOSITE_PARTS)[number]['weight'];
export type Weights = Record<WeightKey, number>;
export const WEIGHT_KEYS: readonly WeightKey[] = COMPOSITE_PARTS.map((p) => p.weight);
/** The rates the composite reads, by indicator id. */
export type CompositeRates = Record<(typeof COMPOSITE_PARTS)[number]['indicator'], number | null>;

/**
 * The default weights, out of 100. They are our choice, not a table quoted from a standard: CJ/T 292-2008
 * and GB/T 30428.4 (数字化城市管理信息系统 绩效评价) define the indicators a handling department is judged on
 * (按期处置率, 处置率/结案率, 返工率 …) and leave the weights to each city's assessment rules. Those rules put
 * on-time closure first; e.g. 金华市区数字化城市管理工作考核细则（试行） gives 按期结案率 50 of 100 points,
 * 结案率 20, and deducts for rework (返工) and shirking within 5. 12345 hotline assessments add the
 * reporter's view: 响应率, 解决率 and 满意率 (the previous default, 10 : 45 : 45, weighed only these three
 * and let a body that missed every deadline score 100). So: on-time handling 40, solved 20, satisfied 20,
 * response 10, no rework 10. A city sets its own with PUT /evaluation/weights.
 */
export const DEFAULT_WEIGHTS: Weights = { response: 10, onTime: 40, solved: 20, satisfied: 20, rework: 10 };

/** What weights must add up to: they are shares of the 100 points. */
export const WEIGHTS_TOTAL = 100;

export const badWeights = defineError('EVALUATION_ERR_BAD_WEIGHTS', 400, (why: string) => ({
  message: `The weights are not valid: ${why}`,
}));

/** Refuses weights that are not shares of 100 points (each 0–100, adding up to 100). */
export function checkWeights(weights: Weights): Weights {
  for (const key of WEIGHT_KEYS) {
    const value = weights[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > WEIGHTS_TOTAL) {
      throw badWeights(`${key} must be a number from 0 to ${WEIGHTS_TOTAL}`);
    }
  }
  const total = WEIGHT_KEYS.reduce((sum, key) => sum + weights[key], 0);
  // Weights such as 33.33 + 33.33 + 33.34 add up to 100 only within floating-point error.
  if (Math.abs(total - WEIGHTS_TOTAL) > 1e-6) {
    throw badWeights(`they must add up to ${WEIGHTS_TOTAL}; these add up to ${Math.round(total * 1e6) / 1e6}`);
  }
  return weights;
}

/**
 * Weights as stored by an earlier version, which had fewer parts: a part it did not have weighs 0, so a
 * city's chosen composite stays what it was until someone sets the new parts.
 */
export function storedWeights(stored: Partial<Weights>): Weights {
  return Object.fromEntries(WEIGHT_KEYS.map((key) => [key, stored[key] ?? 0])) as Weights;
}

/** The weighted composite out of 100, or null when a weighted rate has no data. */
export function compositeScore(rates: CompositeRates, weights: Weights): number | null {
  let total = 0;
  let score = 0;
  for (const part of COMPOSITE_PARTS) {
    const weight = weights[part.weight];
    if (weight <= 0) continue;
    const value = rates[part.indicator];
    if (value === null) return null;
    total += weight;
    score += (part.higherIsBetter ? value : 1 - value) * weight;
  }
  if (total <= 0) return null;
  return Math.round((score / total) * 10000) / 100;
}

/**
 * How bodies (or areas) are ranked. Too few dispatches make a rate say little (2 of 2 on time is 100 %), so
 * a row is ranked only from `minDispatches` dispatches in the period (EVALUATION_MIN_DISPATCHES); below it
 * the figures are shown, unranked. Equal composite scores are told apart by the on-time handling rate,
 * then the satisfaction rate, then the number of dispatches (the same rates over more dispatches say
 * more); rows equal in all of these share a rank, and the next rank is skipped (1, 2, 2, 4).
 */
export const DEFAULT_MIN_DISPATCHES = 10;

export const TIE_RULE = {
  zh: '综合得分相同时，依次比较按期办结率、满意率、派遣量（均为高者在前）；仍全部相同的并列同一名次，其后名次顺延。',
  en: 'Equal composite scores are ordered by on-time handling rate, then satisfaction rate, then dispatches (higher first); rows equal in all of these share a rank, and the next rank is skipped.',
};

/** A share, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
