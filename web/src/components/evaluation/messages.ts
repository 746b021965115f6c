import { useI18n } from '../../i18n.ts';

/**
 * The evaluation's and the supervision board's own words, zh-CN and English side by side (kept with the
 * pages that use them rather than in the console-wide dictionary).
 */
const MESSAGES = {
  weightOnTime: { zh: '按期办结率', en: 'On time' },
  weightRework: { zh: '1 − 返工率', en: '1 − rework' },
  weightsMustAddUp: { zh: '权重之和须为 100（当前 {total}）', en: 'The weights must add up to 100 (now {total})' },
  weightsDefault: { zh: '默认', en: 'Default' },
  weightsSource: {
    zh: '默认权重是本系统的选择，不是标准原文：CJ/T 292、GB/T 30428.4 规定了专业部门的评价指标（按期处置率、结案率、返工率等），权重由各城市的考核办法确定；各地考核多以按期结案为首（如金华市区考核细则按期结案率占 50 分）。',
    en: 'The default weights are our choice, not quoted from a standard: CJ/T 292 and GB/T 30428.4 define the indicators for handling departments (on-time handling, closure, rework…) and leave the weights to each city’s assessment rules, which mostly put on-time closure first (e.g. Jinhua: 50 of 100 points).',
  },
  rankedFrom: {
    zh: '派遣量不少于 {n} 次且有综合得分的才参与排名；其余照列数据，不排名。',
    en: 'Only rows with a composite score and at least {n} dispatches are ranked; the others are listed without a rank.',
  },
  tooFewDispatches: { zh: '派遣不足 {n} 次，不排名', en: 'Fewer than {n} dispatches: not ranked' },
  noScore: {
    zh: '无综合得分（加权指标缺数据），不排名',
    en: 'No composite score (a weighted rate has no data): not ranked',
  },
  handlerRank: {
    zh: '名次是本单位在全部承办单位中的名次，与督办人员看到的排名一致。',
    en: 'The rank is your body’s rank among all handling bodies, as supervisors see it.',
  },
  firstContact: {
    zh: '一次办结率（知识库直接答复）',
    en: 'First-contact resolution (answered from the knowledge base)',
  },
  firstContactCounts: {
    zh: '直接答复 {answered} 件，派遣 {dispatched} 件，答复后重新办理 {reopened} 件',
    en: '{answered} answered, {dispatched} dispatched, {reopened} reopened after the answer',
  },
  firstContactSatisfied: { zh: '满意率', en: 'satisfied' },
  noDataThisMonth: {
    zh: '{month} 没有派遣。最近有数据的月份：',
    en: 'No dispatches in {month}. Latest month with data:',
  },
  // The supervision board.
  overdueFor: { zh: '超期', en: 'Overdue by' },
  oldestOverdue: { zh: '最久超期', en: 'oldest overdue by' },
  overdueCount: { zh: '{n} 项超期', en: '{n} overdue' },
  shownOf: { zh: '显示最久的 {shown} 项，共 {n} 项', en: 'The oldest {shown} of {n} shown' },
  verificationsOwed: { zh: '待核查（网格员）', en: 'Verifications (grid workers)' },
  overdueMeasure: {
    zh: '超期时长按工作时间计（工作日的工作时段，节假日与调休按城市日历）；紧急案件按自然时间计，标“自然时间”。',
    en: 'Overdue time is working time (working hours of working days on the city calendar); urgent cases run on the wall clock and say so.',
  },
  workingMinutes: { zh: '工作分钟', en: 'working minutes' },
  minutes: { zh: '分钟', en: 'minutes' },
  days: { zh: '天', en: 'days' },
} as const;

export type EvaluationMessage = keyof typeof MESSAGES;

/** `say(key, { n: 10 })`: the message in the console's language, with {placeholders} filled in. */
export function useEvaluationText() {
  const { language } = useI18n();
  return (key: EvaluationMessage, values: Record<string, string | number> = {}) =>
    Object.entries(values).reduce(
      (text, [name, value]) => text.replaceAll(`{${name}}`, String(value)),
      MESSAGES[key][language === 'zh-CN' ? 'zh' : 'en'] as string,
    );
}
