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
    definitionZh: '响应率、解决率、满意率按权重加权（默认 10 : 45 : 45），满分 100；任一项无数据时不计分。',
    definitionEn:
      'Response, solved and satisfaction rates weighted (default 10 : 45 : 45), out of 100; no score when any of them has no data.',
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

export interface Weights {
  response: number;
  solved: number;
  satisfied: number;
}

export const DEFAULT_WEIGHTS: Weights = { response: 10, solved: 45, satisfied: 45 };

/** The weighted composite out of 100, or null when a weighted rate has no data. */
export function compositeScore(
  rates: { responseRate: number | null; solvedRate: number | null; satisfactionRate: number | null },
  weights: Weights,
): number | null {
  const parts: Array<[number | null, number]> = [
    [rates.responseRate, weights.response],
    [rates.solvedRate, weights.solved],
    [rates.satisfactionRate, weights.satisfied],
  ];
  const total = parts.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0 || parts.some(([rate, w]) => w > 0 && rate === null)) return null;
  return Math.round((parts.reduce((sum, [rate, w]) => sum + (rate ?? 0) * w, 0) / total) * 10000) / 100;
}

/** A share, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
