/**
 * Keeping the user's zoom across live updates. A window that reaches the
 * right end keeps following new epochs; any other window stays on the epochs
 * the user chose, however much the run grows.
 */

import type { EChartsOption } from 'echarts';

import type { Payload } from './payload';

/** The x window as ECharts reports it after the user zoomed. */
export interface ZoomState {
  start: number;
  end: number;
  startValue: number;
  endValue: number;
}

export interface ZoomWindow {
  startValue: number;
  endValue: number;
}

/** Smallest and largest x of any curve: epochs and batch points. */
export function xExtent(payload: Payload): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const run of payload.runs) {
    const xs = [...run.epochs.slice(0, 1), ...run.epochs.slice(-1)];
    const batches = run.batches?.x ?? [];
    xs.push(...batches.slice(0, 1), ...batches.slice(-1));
    for (const x of xs) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
  }
  return [min, max];
}

/** The window to apply to an update, or null to show everything. */
export function zoomAfterUpdate(
  zoom: ZoomState | null,
  lastX: number
): ZoomWindow | null {
  if (!zoom || (zoom.start <= 0 && zoom.end >= 100)) {
    return null;
  }
  return {
    startValue: zoom.startValue,
    endValue: zoom.end >= 100 ? lastX : zoom.endValue
  };
}

/** `option` with every data zoom set to `window`; null leaves it as built. */
export function withWindow(
  option: EChartsOption,
  window: ZoomWindow | null
): EChartsOption {
  if (!window || !Array.isArray(option.dataZoom)) {
    return option;
  }
  return {
    ...option,
    dataZoom: option.dataZoom.map(zoom => ({ ...zoom, ...window }))
  };
}

/**
 * The window as the chart's `data-zoom` attribute shows it, for people and
 * tests inspecting the page: `start-end`, or null when nothing is zoomed.
 */
export function zoomLabel(zoom: ZoomState | null): string | null {
  return zoom && (zoom.start > 0 || zoom.end < 100)
    ? `${zoom.startValue.toFixed(2)}-${zoom.endValue.toFixed(2)}`
    : null;
}

/**
 * Read the window from ECharts' `getOption().dataZoom`. ECharts reports a
 * zoom in percent; the values come from the x extent it was drawn with.
 */
export function readZoom(
  dataZoom: unknown,
  [min, max]: [number, number]
): ZoomState | null {
  const first = Array.isArray(dataZoom) ? dataZoom[0] : undefined;
  if (!first || typeof first !== 'object') {
    return null;
  }
  const { start, end } = first as Record<string, unknown>;
  if (typeof start !== 'number' || typeof end !== 'number') {
    return null;
  }
  const at = (percent: number) => min + ((max - min) * percent) / 100;
  return { start, end, startValue: at(start), endValue: at(end) };
}
