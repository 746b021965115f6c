import ExcelJS from 'exceljs';
import { csvForExcel } from '../lib/csv.ts';
import type { EvaluationRow } from './evaluation.ts';
import { COMPOSITE_PARTS, INDICATORS, TIE_RULE, type Weights } from './indicators.ts';

type Language = 'zh' | 'en';

const COLUMNS: Array<{ key: keyof EvaluationRow; indicator?: keyof typeof INDICATORS; percent?: boolean }> = [
  { key: 'rank' },
  { key: 'code' },
  { key: 'nameZh' },
  { key: 'dispatches', indicator: 'dispatches' },
  { key: 'composite', indicator: 'composite' },
  { key: 'responseRate', indicator: 'responseRate', percent: true },
  { key: 'onTimeRate', indicator: 'onTimeRate', percent: true },
  { key: 'solvedRate', indicator: 'solvedRate', percent: true },
  { key: 'satisfactionRate', indicator: 'satisfactionRate', percent: true },
  { key: 'returnRate', indicator: 'returnRate', percent: true },
  { key: 'reworkRate', indicator: 'reworkRate', percent: true },
  { key: 'overdueCount', indicator: 'overdueCount' },
  { key: 'avgHandlingHours', indicator: 'avgHandlingHours' },
  { key: 'dissatisfiedReopens', indicator: 'dissatisfiedReopens' },
];

const PLAIN_HEADERS: Record<string, Record<Language, string>> = {
  rank: { zh: '排名', en: 'Rank' },
  code: { zh: '代码', en: 'Code' },
  nameZh: { zh: '名称', en: 'Name' },
};

function header(column: (typeof COLUMNS)[number], language: Language): string {
  if (column.indicator) return INDICATORS[column.indicator][language === 'zh' ? 'nameZh' : 'nameEn'];
  return PLAIN_HEADERS[column.key]![language];
}

function cell(row: EvaluationRow, column: (typeof COLUMNS)[number], language: Language): string | number | null {
  if (column.key === 'nameZh') return language === 'zh' ? row.nameZh : row.nameEn;
  const value = row[column.key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && column.percent) return Math.round(value * 10000) / 100;
  if (typeof value === 'number' && column.key === 'avgHandlingHours') return Math.round(value * 10) / 10;
  return value as string | number;
}

/** The ranking as CSV for Excel (lib/csv.ts). Rates in per cent. */
export function evaluationCsv(rows: EvaluationRow[], language: Language): string {
  return csvForExcel([
    COLUMNS.map((c) => header(c, language)),
    ...rows.map((row) => COLUMNS.map((c) => cell(row, c, language))),
  ]);
}

/** How the ranking was made: the weights in force and the ranking rules, in the reader's language. */
export interface RankingNotes {
  weights: Weights;
  minDispatches: number;
}

function rankingRules(notes: RankingNotes, language: Language): Array<[string, string]> {
  const name = (indicator: keyof typeof INDICATORS) => INDICATORS[indicator][language === 'zh' ? 'nameZh' : 'nameEn'];
  const weights = COMPOSITE_PARTS.map((part) => {
    const label = part.higherIsBetter ? name(part.indicator) : `1 − ${name(part.indicator)}`;
    return `${label} ${notes.weights[part.weight]}`;
  }).join(language === 'zh' ? '，' : ', ');
  return language === 'zh'
    ? [
        ['权重', weights],
        ['参与排名', `期内派遣量不少于 ${notes.minDispatches} 次且有综合得分的才排名；其余列出但不排名（名次为空）。`],
        ['并列规则', TIE_RULE.zh],
      ]
    : [
        ['Weights', weights],
        [
          'Ranked',
          `Only rows with a composite score and at least ${notes.minDispatches} dispatches in the period are ranked; the others are listed without a rank.`,
        ],
        ['Ties', TIE_RULE.en],
      ];
}

/**
 * A workbook with the ranking and, on a second sheet, the definition of every indicator and the rules the
 * ranking was made by.
 */
export async function evaluationXlsx(
  rows: EvaluationRow[],
  language: Language,
  title: string,
  notes: RankingNotes,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'CivicGrid';
  const sheet = workbook.addWorksheet(language === 'zh' ? '排名' : 'Ranking');
  sheet.addRow([title]).font = { bold: true, size: 14 };
  sheet.addRow(COLUMNS.map((c) => header(c, language))).font = { bold: true };
  for (const row of rows) sheet.addRow(COLUMNS.map((c) => cell(row, c, language)));
  sheet.columns.forEach((column, i) => {
    column.width = i === 2 ? 32 : 14;
  });
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  const definitions = workbook.addWorksheet(language === 'zh' ? '指标定义' : 'Definitions');
  definitions.addRow(language === 'zh' ? ['指标', '定义'] : ['Indicator', 'Definition']).font = { bold: true };
  for (const indicator of Object.values(INDICATORS)) {
    definitions.addRow(
      language === 'zh' ? [indicator.nameZh, indicator.definitionZh] : [indicator.nameEn, indicator.definitionEn],
    );
  }
  for (const rule of rankingRules(notes, language)) definitions.addRow(rule).font = { italic: true };
  definitions.getColumn(1).width = 28;
  definitions.getColumn(2).width = 100;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
