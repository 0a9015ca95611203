/**
 * A sweep's params charts under its curves: parallel coordinates (brushing
 * an axis narrows the runs drawn and listed) and a scatter of a chosen param
 * against the focus metric's best value. Charts made once, updated in
 * place (chartlist.ts).
 */

import type { EChartsType } from 'echarts/core';

import { ChartList } from './chartlist';
import type { ECharts } from './echarts';
import type { Payload, RunPayload } from './payload';
import { ParamLook, parallelOption, scatterOption, SweepAxis } from './params';
import type { SweepScene } from './sweepScene';
import type { Theme } from './theme';

export interface ParamHandlers {
  /** Ranges brushed on an axis; empty: the brush was cleared. */
  brush: (axis: SweepAxis, ranges: [number, number][]) => void;
  hover: (runId: string | null) => void;
}

export class ParamCharts {
  constructor(on: ParamHandlers) {
    this._on = on;
    this.node.className = 'tc-params';
    this.node.hidden = true;
    this._bar.className = 'tc-params-bar';
    this._x.className = 'tc-scatter-x';
    this._x.setAttribute('aria-label', 'scatter x axis');
    this._x.addEventListener('change', () => this._redraw?.());
    const label = document.createElement('label');
    label.className = 'tc-control';
    const text = document.createElement('span');
    text.textContent = 'scatter x';
    label.append(text, this._x);
    this._bar.append(label);
    this._host.className = 'tc-params-charts';
    this.node.append(this._bar, this._host);
    this._charts = new ChartList(this._host, {
      className: 'tc-param-chart',
      keyAttribute: 'chart',
      replaceMerge: ['series', 'parallelAxis', 'xAxis', 'yAxis'],
      onCreate: (chart, node) => this._watch(chart, node.dataset.chart!)
    });
  }

  readonly node = document.createElement('div');

  /** Draw, or clear when the comparison is no sweep or has no params. */
  update(
    echarts: ECharts,
    payload: Payload,
    scene: SweepScene,
    theme: Theme,
    height: number
  ): boolean {
    const { axes } = scene;
    const result = axes.find(a => a.key.startsWith('best:'));
    const params = axes.filter(a => a !== result);
    if (!scene.sweep || !result || params.length === 0) {
      this.node.hidden = true;
      this._redraw = null;
      return this._charts.update(echarts, [], height);
    }
    this.node.hidden = false;
    this._axes = axes;
    this._runs = payload.runs;
    this._fillX(params);
    const x = params.find(a => a.key === this._x.value) ?? params[0];
    const look: ParamLook = {
      color: run => scene.colors.get(run.id) ?? theme.text,
      drawn: new Set(scene.drawn.map(run => run.id)),
      strong: scene.strong
    };
    this._scattered = payload.runs.filter(
      run => x.value(run) !== null && result.value(run) !== null
    );
    this._redraw = () => this.update(echarts, payload, scene, theme, height);
    return this._charts.update(
      echarts,
      [
        {
          key: 'parallel',
          option: parallelOption(payload.runs, axes, look, theme)
        },
        {
          key: 'scatter',
          option: scatterOption(this._scattered, x, result, look, theme)
        }
      ],
      height
    );
  }

  resize(): void {
    this._charts.resize();
  }

  /**
   * Highlight one run's line and point (null: none), as hovering a curve
   * or a table row does: ECharts' own emphasis, no new option.
   */
  mark(runId: string | null): void {
    if (runId === this._marked) {
      return;
    }
    this._marked = runId;
    for (const [key, chart] of this._byKey) {
      if (chart.isDisposed()) {
        continue;
      }
      chart.dispatchAction({ type: 'downplay', seriesIndex: 0 });
      const runs = key === 'scatter' ? this._scattered : this._runs;
      const index = runId === null ? -1 : runs.findIndex(r => r.id === runId);
      if (index >= 0) {
        chart.dispatchAction({
          type: 'highlight',
          seriesIndex: 0,
          dataIndex: index
        });
      }
    }
  }

  dispose(): void {
    this._charts.dispose();
  }

  private _fillX(params: SweepAxis[]): void {
    const keys = params.map(a => a.key).join('\u0000');
    if (keys === this._xKeys) {
      return;
    }
    this._xKeys = keys;
    const chosen = this._x.value;
    this._x.replaceChildren(
      ...params.map(axis => {
        const option = document.createElement('option');
        option.value = axis.key;
        option.textContent = axis.title;
        return option;
      })
    );
    if (params.some(a => a.key === chosen)) {
      this._x.value = chosen;
    }
  }

  private _watch(chart: EChartsType, key: string): void {
    this._byKey.set(key, chart);
    chart.on('mouseover', (event: unknown) => {
      const { dataIndex } = event as { dataIndex?: number };
      const runs = key === 'scatter' ? this._scattered : this._runs;
      const run = dataIndex === undefined ? undefined : runs[dataIndex];
      this._on.hover(run?.id ?? null);
    });
    chart.on('mouseout', () => this._on.hover(null));
    if (key !== 'parallel') {
      return;
    }
    chart.on('axisareaselected', (event: unknown) => {
      const { parallelAxisId, intervals } = event as {
        parallelAxisId?: string;
        intervals?: [number, number][];
      };
      const axis = this._axes.find(a => a.key === parallelAxisId);
      if (axis) {
        this._on.brush(
          axis,
          (intervals ?? []).map(([a, b]) => [Math.min(a, b), Math.max(a, b)])
        );
      }
    });
  }

  private readonly _on: ParamHandlers;
  private readonly _bar = document.createElement('div');
  private readonly _x = document.createElement('select');
  private readonly _host = document.createElement('div');
  private readonly _charts: ChartList;
  private _axes: SweepAxis[] = [];
  private _runs: RunPayload[] = [];
  private _scattered: RunPayload[] = [];
  private _xKeys = '';
  private _marked: string | null = null;
  private readonly _byKey = new Map<string, EChartsType>();
  private _redraw: (() => void) | null = null;
}
