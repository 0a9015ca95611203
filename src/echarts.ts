/**
 * ECharts, loaded on first use so that JupyterLab's start-up does not pay for
 * it, with only the parts the panel draws (see `echartsParts.ts`).
 */

import type * as EChartsCore from 'echarts/core';

export type ECharts = typeof EChartsCore;

/** The part of a chart instance the panel resizes. */
interface Sized {
  getWidth(): number;
  getHeight(): number;
  resize(opts: { width: 'auto'; height: 'auto' }): void;
}

/**
 * Fit a chart to its box when the box changed size; never to a hidden (0x0)
 * box, which would leave the chart drawn at nothing when it shows again.
 */
export function fitChart(node: HTMLElement, chart: Sized): void {
  const width = node.clientWidth;
  const height = node.clientHeight;
  if (
    width > 0 &&
    height > 0 &&
    (width !== chart.getWidth() || height !== chart.getHeight())
  ) {
    chart.resize({ width: 'auto', height: 'auto' });
  }
}

let loading: Promise<ECharts> | null = null;

export function loadECharts(): Promise<ECharts> {
  if (!loading) {
    loading = import('./echartsParts').then(parts => parts.core);
  }
  return loading;
}
