/**
 * An ECharts chart in a div: given a new option whenever it changes, resized with the window, disposed
 * with the div. Pages register the ECharts parts they use (echarts/core `use`) in their own chart module,
 * which they import dynamically, so the main bundle carries no ECharts.
 */
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { init } from 'echarts/core';
import { useEffect, useRef } from 'preact/hooks';

export function Chart({ option, height, testId }: { option: EChartsCoreOption; height: number; testId: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    if (!element.current) return;
    const instance = init(element.current);
    chart.current = instance;
    const resize = () => instance.resize();
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.resize();
    chart.current?.setOption(option, true);
    element.current?.setAttribute('data-ready', 'true');
  }, [option, height]);
  return <div ref={element} class="chart" style={{ height: `${height}px` }} data-testid={testId} />;
}
