/**
 * Everything of a panel that is about its runs as a set, wired together:
 * the run table, the findings list, and for a sweep the colour-by bar, the
 * params charts, the user's filters (search, ticks, brushed axes) and the
 * run highlighted everywhere. The widget asks it for the scene before
 * drawing the curves, and hands it each new metric chart to watch.
 */

import type { EChartsType } from 'echarts/core';

import type { ECharts } from './echarts';
import { groupFindings, renderFindingGroups, renderFindings } from './findings';
import type { ChartSpec } from './options';
import { ParamCharts } from './paramCharts';
import type { Payload } from './payload';
import { RunHover } from './runHover';
import { NO_FILTER, SweepFilter } from './sweep';
import { SweepBar } from './sweepBar';
import { sweepScene, SweepScene } from './sweepScene';
import { ComparisonTable } from './table';
import type { Theme } from './theme';

export class ComparisonView {
  /** `redraw`: the user changed what is shown. */
  constructor(redraw: () => void) {
    this._redraw = redraw;
    this.findings.className = 'tc-findings-host';
    this._hover = new RunHover({
      look: runId => ({
        name: this._names.get(runId) ?? runId,
        color: this._colors.get(runId) ?? 'currentColor'
      }),
      changed: runId => {
        this.table.mark(runId);
        this.bar.show(runId);
        this.params.mark(runId);
      }
    });
    const hover = (runId: string | null) => this._hover.set(runId);
    this.table = new ComparisonTable({
      query: query => this._change({ ...this._filter, query }),
      tick: (runId, shown) => {
        const hidden = new Set(this._filter.hidden);
        if (shown) {
          hidden.delete(runId);
        } else {
          hidden.add(runId);
        }
        this._change({ ...this._filter, hidden });
      },
      hover
    });
    this.bar = new SweepBar(key => {
      this._colorBy = key;
      this._redraw();
    });
    this.params = new ParamCharts({
      brush: (axis, ranges) => {
        const brushes = { ...this._filter.brushes };
        if (ranges.length > 0) {
          brushes[axis.key] = { value: axis.value, ranges };
        } else {
          delete brushes[axis.key];
        }
        this._change({ ...this._filter, brushes });
      },
      hover
    });
  }

  readonly table: ComparisonTable;
  readonly bar: SweepBar;
  readonly params: ParamCharts;
  readonly findings = document.createElement('div');

  /** Wire a new metric chart: hovering a curve highlights its run. */
  watch(chart: EChartsType, family: string): void {
    this._hover.watch(chart, family);
  }

  /** What to draw of `payload` under the user's choices. */
  scene(payload: Payload, palette: string[]): SweepScene {
    const scene = sweepScene(payload, this._filter, this._colorBy, palette);
    this._names = new Map(payload.runs.map(run => [run.id, run.name]));
    this._colors = scene.colors;
    return scene;
  }

  /** Draw the table, the findings and the sweep's parts. */
  draw(
    echarts: ECharts,
    payload: Payload,
    scene: SweepScene,
    theme: Theme,
    opts: { findings: boolean; height: number }
  ): boolean {
    this.table.draw(payload, scene);
    this.bar.draw(payload.runs, scene);
    let list: HTMLElement | null = null;
    if (opts.findings) {
      list = scene.sweep
        ? renderFindingGroups(
            groupFindings(payload.runs, payload.findingGroups),
            runId => this._hover.set(runId)
          )
        : renderFindings(payload.runs, payload.runs.length > 1);
    }
    this.findings.replaceChildren(...(list ? [list] : []));
    return this.params.update(echarts, payload, scene, theme, opts.height);
  }

  /** The curves were redrawn: the run highlighted stays highlighted. */
  chartsDrawn(echarts: ECharts, specs: ChartSpec[]): void {
    this._hover.drawn(echarts, specs);
  }

  resize(): void {
    this.params.resize();
  }

  dispose(): void {
    this._hover.dispose();
    this.table.dispose();
    this.params.dispose();
  }

  private _change(filter: SweepFilter): void {
    this._filter = filter;
    this._redraw();
  }

  private readonly _redraw: () => void;
  private readonly _hover: RunHover;
  private _filter: SweepFilter = NO_FILTER;
  private _colorBy: string | null = null;
  private _names = new Map<string, string>();
  private _colors = new Map<string, string>();
}
