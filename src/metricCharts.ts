/**
 * The panel's metric charts: a chart list keyed by metric family, zoomed
 * together, and the user's view of them kept across updates: the x window
 * (zoom.ts) and the legend entries switched off. Both are mirrored on each
 * chart's box, as `data-zoom` and `data-hidden`, for people and tests
 * inspecting the page.
 */

import type { EChartsType } from 'echarts/core';

import { ChartList } from './chartlist';
import type { ECharts } from './echarts';
import type { ChartSpec } from './options';
import {
  readZoom,
  withWindow,
  ZoomState,
  zoomAfterUpdate,
  zoomLabel
} from './zoom';

export class MetricCharts {
  /** `extent`: the x range ECharts' zoom percentages are read against. */
  constructor(
    host: HTMLElement,
    group: string,
    extent: () => [number, number],
    /** Wires each new chart once more (the panel's run hover). */
    onCreate?: (chart: EChartsType, family: string) => void
  ) {
    this._extent = extent;
    this._charts = new ChartList(host, {
      className: 'tc-chart',
      keyAttribute: 'family',
      replaceMerge: ['series'],
      group,
      onCreate: (chart, node) => {
        this._watch(chart, node);
        onCreate?.(chart, node.dataset.family!);
      }
    });
  }

  get size(): number {
    return this._charts.size;
  }

  get nodes(): HTMLElement[] {
    return this._charts.nodes;
  }

  get charts(): EChartsType[] {
    return this._charts.charts;
  }

  /** Forget the x window: a window in epochs means nothing in seconds. */
  resetZoom(): void {
    this._zoom = null;
  }

  /**
   * Show `specs`, keeping the x window when `lastX` (the last x drawn) is
   * given, null when the x axis is not epochs. True when the layout changed.
   */
  update(
    echarts: ECharts,
    specs: ChartSpec[],
    height: number,
    lastX: number | null
  ): boolean {
    const window = lastX === null ? null : zoomAfterUpdate(this._zoom, lastX);
    const changed = this._charts.update(
      echarts,
      specs.map(spec => ({
        key: spec.family,
        option: withWindow(spec.option, window)
      })),
      height
    );
    this._showZoom();
    return changed;
  }

  resize(): void {
    this._charts.resize();
  }

  dispose(): void {
    this._charts.dispose();
  }

  private _watch(chart: EChartsType, node: HTMLElement): void {
    // The events carry the new state: no getOption(), which copies all data.
    chart.on('datazoom', (event: unknown) => {
      const e = event as { batch?: unknown[] };
      this._zoom = readZoom([e.batch?.[0] ?? e], this._extent());
      this._showZoom();
    });
    chart.on('legendselectchanged', (event: unknown) => {
      const selected = (event as { selected?: Record<string, boolean> })
        .selected;
      const hidden = Object.entries(selected ?? {})
        .filter(([, shown]) => !shown)
        .map(([name]) => name);
      if (hidden.length > 0) {
        node.dataset.hidden = JSON.stringify(hidden);
      } else {
        delete node.dataset.hidden;
      }
    });
  }

  private _showZoom(): void {
    const label = zoomLabel(this._zoom);
    for (const node of this._charts.nodes) {
      if (label === null) {
        delete node.dataset.zoom;
      } else {
        node.dataset.zoom = label;
      }
    }
  }

  private readonly _charts: ChartList;
  private readonly _extent: () => [number, number];
  private _zoom: ZoomState | null = null;
}
