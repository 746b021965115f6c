/**
 * The evaluation's charts. ECharts is loaded only with this module (the evaluation page imports it
 * dynamically), and only the parts used are registered, so neither the main bundle nor this chunk
 * carries the whole library.
 */
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Definition } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Chart } from '../Chart.tsx';
import { type EvaluationRow, RATE_COLUMNS } from './types.ts';

use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

const RATE_COLOURS = ['#1a73e8', '#00897b', '#188038', '#f9ab00', '#d93025', '#8430ce'];

export function EvaluationCharts({
  rows,
  definitions,
}: {
  rows: EvaluationRow[];
  definitions: Record<string, Definition>;
}) {
  const { t, name, language } = useI18n();
  const scored = rows.filter((r) => r.composite !== null).sort((a, b) => b.composite! - a.composite!);
  const label = (r: EvaluationRow) => name(r);
  const truncate = (text: string) => (text.length > 14 ? `${text.slice(0, 13)}…` : text);

  // Best at the top: a horizontal bar chart lists its categories from the bottom up.
  const composite: Option = {
    grid: { left: 8, right: 40, top: 10, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', max: 100 },
    yAxis: {
      type: 'category',
      data: [...scored].reverse().map(label),
      axisLabel: { formatter: truncate },
    },
    series: [
      {
        type: 'bar',
        name: definitions.composite ? name(definitions.composite) : 'composite',
        data: [...scored].reverse().map((r) => r.composite),
        itemStyle: { color: '#b3261e' },
        label: { show: true, position: 'right', formatter: '{c}' },
      },
    ],
  };

  const top = scored.slice(0, 10);
  const rates: Option = {
    grid: { left: 8, right: 16, top: 40, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (value) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—'),
    },
    legend: { top: 0 },
    xAxis: {
      type: 'category',
      data: top.map(label),
      axisLabel: { interval: 0, rotate: language === 'en' ? 30 : 20, formatter: truncate },
    },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: RATE_COLUMNS.map((id, i) => ({
      type: 'bar' as const,
      name: definitions[id] ? name(definitions[id]) : id,
      data: top.map((r) => (r[id] === null ? null : Math.round(r[id]! * 1000) / 10)),
      itemStyle: { color: RATE_COLOURS[i] },
    })),
  };

  if (scored.length === 0) return <p class="hint">{t('noScores')}</p>;
  return (
    <div class="charts">
      <figure>
        <figcaption>{t('chartComposite')}</figcaption>
        <Chart option={composite} height={Math.max(160, scored.length * 26 + 40)} testId="chart-composite" />
      </figure>
      <figure>
        <figcaption>{t('chartRates')}</figcaption>
        <Chart option={rates} height={360} testId="chart-rates" />
      </figure>
    </div>
  );
}
