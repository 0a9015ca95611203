/**
 * ECharts, loaded on first use so that JupyterLab's start-up does not pay for
 * it, and registered with only the parts the panel draws.
 */

import type * as EChartsCore from 'echarts/core';

export type ECharts = typeof EChartsCore;

let loading: Promise<ECharts> | null = null;

export function loadECharts(): Promise<ECharts> {
  if (!loading) {
    loading = Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers')
    ]).then(([core, charts, components, renderers]) => {
      core.use([
        charts.BarChart,
        charts.HeatmapChart,
        charts.LineChart,
        components.AriaComponent,
        components.DataZoomComponent,
        components.GridComponent,
        components.LegendComponent,
        components.MarkAreaComponent,
        components.MarkLineComponent,
        components.MarkPointComponent,
        components.TitleComponent,
        components.TooltipComponent,
        components.VisualMapContinuousComponent,
        renderers.SVGRenderer
      ]);
      return core;
    });
  }
  return loading;
}
