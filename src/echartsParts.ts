/**
 * The parts of ECharts the panel draws, registered once. Imported by name
 * and only from `echarts.ts`'s lazy import: the bundler then leaves every
 * other chart and component out of the chunk.
 */

import * as core from 'echarts/core';
import {
  BarChart,
  HeatmapChart,
  LineChart,
  ParallelChart,
  ScatterChart
} from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

core.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  SVGRenderer
]);

export { core };
