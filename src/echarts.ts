/**
 * ECharts, loaded on first use so that JupyterLab's start-up does not pay for
 * it, with only the parts the panel draws (see `echartsParts.ts`).
 */

import type * as EChartsCore from 'echarts/core';

export type ECharts = typeof EChartsCore;

let loading: Promise<ECharts> | null = null;

export function loadECharts(): Promise<ECharts> {
  if (!loading) {
    loading = import('./echartsParts').then(parts => parts.core);
  }
  return loading;
}
