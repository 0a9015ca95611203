/**
 * A sweep's curves as few ECharts series as possible. The best k runs keep
 * a series each; the faint rest are bundled, one series per metric and
 * colour, each run's curve cut from the next by a gap. A chart of 200 or
 * 1000 runs then holds a few dozen elements instead of hundreds, so every
 * repaint on a mouse move stays cheap. Which faint run the pointer is over
 * is found here too (`nearestCurve`); runHover.ts draws it on top.
 */

import type { LineSeriesOption } from 'echarts';

import type { Split } from './payload';
import type { Points } from './transform';

/** One run's curve of one metric, as drawn: for finding the hovered run. */
export interface TracedCurve {
  runId: string;
  metric: string;
  split: Split;
  points: Points;
}

/** Id prefix of a bundle: sampling must leave it alone. */
export const FAINT = '\u0000faint\u0000';

/** Restyle a strong run's curve for a sweep; `labelled`: its best named. */
export function strongStyle(
  series: LineSeriesOption,
  labelled: boolean,
  split: Split
): void {
  // The tooltip lists the strong runs' validation values: short enough to
  // read beside the curves.
  if (split !== 'validation') {
    series.tooltip = { show: false };
  }
  series.showSymbol = false;
  series.z = 3;
  series.lineStyle = { ...series.lineStyle, width: 2, opacity: 1 };
  // runHover.ts draws the highlight; ECharts' own would repaint all.
  series.emphasis = { disabled: true };
  const label = series.markPoint?.label;
  if (label && !labelled) {
    // Best values of close runs would print over each other.
    series.markPoint!.label = { ...label, show: false };
  }
}

/** The faint runs of a chart, one series per metric and colour. */
export function faintLines(
  curves: TracedCurve[],
  color: (runId: string) => string
): LineSeriesOption[] {
  const bundles = new Map<
    string,
    { metric: string; split: Split; color: string; xs: number[]; ys: number[] }
  >();
  for (const { runId, metric, split, points } of curves) {
    const c = color(runId);
    const key = `${metric}\u0000${c}`;
    let bundle = bundles.get(key);
    if (!bundle) {
      bundle = { metric, split, color: c, xs: [], ys: [] };
      bundles.set(key, bundle);
    }
    for (const [x, y] of points) {
      bundle.xs.push(x);
      bundle.ys.push(y ?? NaN);
    }
    // The gap that ends this run's curve.
    const last = points[points.length - 1];
    bundle.xs.push(last ? last[0] : 0);
    bundle.ys.push(NaN);
  }
  return [...bundles.values()].map(({ metric, split, color: c, xs, ys }) => {
    const data = new Float64Array(xs.length * 2);
    xs.forEach((x, i) => {
      data[2 * i] = x;
      data[2 * i + 1] = ys[i];
    });
    return {
      type: 'line',
      id: `${FAINT}${metric}\u0000${c}`,
      name: metric,
      data: data as unknown as number[],
      dimensions: ['x', 'y'],
      connectNulls: false,
      showSymbol: false,
      silent: true,
      tooltip: { show: false },
      emphasis: { disabled: true },
      color: c,
      lineStyle: {
        width: 1,
        opacity: 0.22,
        type: split === 'validation' ? 'dashed' : 'solid'
      },
      z: 2
    };
  });
}

/** y of a curve at x, between its neighbouring points; null in a gap. */
function valueAt(points: Points, x: number): number | null {
  let lo = 0;
  let hi = points.length - 1;
  if (hi < 0 || x < points[0][0] || x > points[hi][0]) {
    return null;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= x) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const [x0, y0] = points[lo];
  const [x1, y1] = points[hi];
  if (y0 === null || y1 === null) {
    return x - x0 < x1 - x ? y0 : y1;
  }
  return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/**
 * The run whose curve passes closest to the pointer, within `tolerance`
 * pixels vertically; null if none. `x` is in data units, `pixelY` maps a
 * value to its pixel row and `y` is the pointer's row.
 */
export function nearestCurve(
  curves: TracedCurve[],
  x: number,
  pixelY: (value: number) => number,
  y: number,
  tolerance = 6
): string | null {
  let best: string | null = null;
  let distance = tolerance;
  for (const curve of curves) {
    const value = valueAt(curve.points, x);
    if (value === null || !Number.isFinite(value)) {
      continue;
    }
    const d = Math.abs(pixelY(value) - y);
    if (d <= distance) {
      distance = d;
      best = curve.runId;
    }
  }
  return best;
}
