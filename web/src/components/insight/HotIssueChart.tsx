/**
 * The hot issues' heat as a bar chart, hottest at the top. Loaded with the insight page's first issues
 * (a dynamic import), so ECharts stays out of the main bundle.
 */
import { BarChart, type BarSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { HotIssue } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Chart } from '../Chart.tsx';

use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

export function HotIssueChart({ issues }: { issues: HotIssue[] }) {
  const { t } = useI18n();
  const label = (i: HotIssue) => `${i.rank}. ${i.title.length > 16 ? `${i.title.slice(0, 15)}…` : i.title}`;
  const bottomUp = [...issues].reverse();
  const option: Option = {
    grid: { left: 8, right: 48, top: 10, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: t('heat') },
    yAxis: { type: 'category', data: bottomUp.map(label) },
    series: [
      {
        type: 'bar',
        name: t('heat'),
        data: bottomUp.map((i) => Math.round(i.heat * 10) / 10),
        itemStyle: { color: '#d93025' },
        label: { show: true, position: 'right', formatter: '{c}' },
      },
    ],
  };
  return <Chart option={option} height={Math.max(160, issues.length * 30 + 40)} testId="chart-hot-issues" />;
}
