/**
 * One run highlighted everywhere at once: the pointer near its curve in any
 * chart of a sweep, on its line in the params charts or on its table row
 * draws it on top in every metric chart, marks its row and names it. The
 * run under the pointer is found from the curves as drawn (sweepSeries.ts),
 * not by ECharts' hover over hundreds of series, and drawn as a few plain
 * zrender lines over the chart: a new option, even of one series, makes
 * ECharts lay out every bundled curve again (100 ms at 200 runs).
 */

import type { EChartsType } from 'echarts/core';

import type { ECharts } from './echarts';
import type { ChartSpec } from './options';
import { nearestCurve, TracedCurve } from './sweepSeries';

/** What the hover draws of a run: its name and colour. */
export type RunLook = (runId: string) => { name: string; color: string };

/** The part of ECharts' model read to tell a log y axis. */
interface Model {
  getComponent(type: string): { get(key: string): unknown } | undefined;
}

export class RunHover {
  /**
   * `changed`: the run highlighted now (null: none), for the table and the
   * line naming it.
   */
  constructor(options: {
    look: RunLook;
    changed: (runId: string | null) => void;
  }) {
    this._options = options;
  }

  /** Follow the pointer over this metric chart of `family`. */
  watch(chart: EChartsType, family: string): void {
    this._charts.set(family, chart);
    const zr = chart.getZr();
    zr.on('mousemove', event => {
      const curves = this._curves.get(family);
      if (!curves) {
        return;
      }
      const point = [event.offsetX, event.offsetY];
      if (!chart.containPixel({ gridIndex: 0 }, point)) {
        this.set(null);
        return;
      }
      const [x] = chart.convertFromPixel({ gridIndex: 0 }, point) as number[];
      this.set(nearestCurve(curves, x, pixelRow(chart, x), event.offsetY));
    });
    zr.on('globalout', () => this.set(null));
    // Zoomed: the highlighted run's lines move with the axis.
    chart.on('datazoom', () => {
      const run = this._current;
      this._current = null;
      this._apply(run);
    });
  }

  /** The metric charts were drawn: their curves, and the hover kept. */
  drawn(echarts: ECharts, specs: ChartSpec[]): void {
    this._graphic = echarts.graphic;
    this._curves = new Map(
      specs.filter(spec => spec.traced).map(spec => [spec.family, spec.traced!])
    );
    for (const family of this._charts.keys()) {
      if (!specs.some(spec => spec.family === family)) {
        this._charts.delete(family);
        this._lines.delete(family);
      }
    }
    const run = this._current;
    this._current = null;
    if (run !== null && this._curves.size > 0) {
      this._apply(run);
    }
  }

  /**
   * Highlight `runId` (null: none). Leaving one curve for the next comes as
   * an out then an over: the out waits a frame so the two make one change.
   */
  set(runId: string | null): void {
    cancelAnimationFrame(this._leaving);
    if (runId === null) {
      if (this._current !== null) {
        this._leaving = requestAnimationFrame(() => this._apply(null));
      }
      return;
    }
    this._apply(runId);
  }

  dispose(): void {
    cancelAnimationFrame(this._leaving);
  }

  private _apply(runId: string | null): void {
    if (runId === this._current) {
      return;
    }
    this._current = runId;
    const look = runId === null ? null : this._options.look(runId);
    for (const [family, chart] of this._charts) {
      const zr = chart.getZr();
      const old = this._lines.get(family);
      if (old) {
        zr.remove(old);
        this._lines.delete(family);
      }
      const curves = this._curves.get(family);
      const graphic = this._graphic;
      if (!curves || !graphic || runId === null || look === null) {
        continue;
      }
      const group = new graphic.Group();
      for (const curve of curves.filter(c => c.runId === runId)) {
        for (const points of onScreen(chart, curve)) {
          group.add(
            new graphic.Polyline({
              shape: { points },
              style: {
                stroke: look.color,
                lineWidth: 3,
                fill: 'none',
                lineDash: curve.split === 'validation' ? [8, 4] : undefined
              },
              silent: true,
              z: 100
            })
          );
        }
      }
      zr.add(group);
      this._lines.set(family, group);
    }
    this._options.changed(runId);
  }

  private readonly _options: {
    look: RunLook;
    changed: (runId: string | null) => void;
  };
  private readonly _charts = new Map<string, EChartsType>();
  /** The hovered run's lines drawn on each chart. */
  private readonly _lines = new Map<string, Element>();
  private _graphic: ECharts['graphic'] | null = null;
  private _curves = new Map<string, TracedCurve[]>();
  private _current: string | null = null;
  private _leaving = 0;
}

type Element = InstanceType<ECharts['graphic']['Group']>;

/**
 * A curve's points in pixels, cut where it has a gap or leaves the plot
 * (the chart may be zoomed in): the pieces to draw.
 */
function onScreen(chart: EChartsType, curve: TracedCurve): number[][][] {
  const pieces: number[][][] = [];
  let piece: number[][] = [];
  for (const [x, y] of curve.points) {
    const pixel =
      y === null
        ? null
        : (chart.convertToPixel({ gridIndex: 0 }, [x, y]) as number[]);
    if (pixel && chart.containPixel({ gridIndex: 0 }, pixel)) {
      piece.push(pixel);
    } else if (piece.length > 0) {
      pieces.push(piece);
      piece = [];
    }
  }
  if (piece.length > 0) {
    pieces.push(piece);
  }
  return pieces;
}

/** Value to pixel row on a chart's y axis, linear or log, at `x`. */
function pixelRow(chart: EChartsType, x: number): (value: number) => number {
  const model = (chart as unknown as { getModel(): Model }).getModel();
  const log = model.getComponent('yAxis')?.get('type') === 'log';
  const row = (v: number) =>
    (chart.convertToPixel({ gridIndex: 0 }, [x, v]) as number[])[1];
  // Two conversions a move, not one per curve: the axis is linear in the
  // value or in its logarithm.
  const [v0, v1] = log ? [1, 10] : [0, 1];
  const p0 = row(v0);
  const step = row(v1) - p0;
  return log
    ? value => (value > 0 ? p0 + step * Math.log10(value) : NaN)
    : value => p0 + step * value;
}
