/**
 * Colour runs by what matters: a param or the focus metric's best value on
 * a continuous colour map (log for lr-like params), or by a category, with
 * a colour bar saying which colour is which value. Without a choice each run
 * keeps its stable colour (compare.ts).
 */

import { formatValue } from './format';
import type { RunPayload } from './payload';
import type { SweepAxis } from './params';

/**
 * Viridis, stopped before its pale yellow end, which vanishes on a light
 * background: perceptually even, readable by colour-blind people.
 */
export const COLOR_MAP = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b'
];

/** Runs without a value for the chosen axis. */
export const NO_VALUE_COLOR = '#9e9e9e';

function hex(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

/** The colour map at t in [0, 1], interpolated between its stops. */
export function mapColor(t: number, stops: string[] = COLOR_MAP): string {
  const at = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(at));
  const f = at - i;
  const [a, b] = [hex(stops[i]), hex(stops[i + 1])];
  const mix = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${mix.map(v => v.toString(16).padStart(2, '0')).join('')}`;
}

/** How an axis's values map onto the colour map. */
export interface ColorScale {
  key: string;
  title: string;
  log: boolean;
  min: number;
  max: number;
  /** For a category axis, its categories (one colour each). */
  categories: string[];
  /** The colour of a run. */
  color: (run: RunPayload) => string;
}

export function colorScale(
  axis: SweepAxis,
  runs: RunPayload[]
): ColorScale | null {
  const values = runs
    .map(run => axis.value(run))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) {
    return null;
  }
  const log = axis.type === 'log';
  const f = (v: number) => (log ? Math.log10(v) : v);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = f(max) - f(min);
  const position = (v: number) =>
    axis.type === 'category'
      ? v / Math.max(1, axis.categories.length - 1)
      : span > 0
        ? (f(v) - f(min)) / span
        : 0.5;
  return {
    key: axis.key,
    title: axis.title,
    log,
    min,
    max,
    categories: axis.categories,
    color: run => {
      const v = axis.value(run);
      return v === null ? NO_VALUE_COLOR : mapColor(position(v));
    }
  };
}

/** Tick values of a colour bar: the ends, and decades on a log scale. */
export function colorTicks(scale: ColorScale): { at: number; text: string }[] {
  if (scale.categories.length > 0) {
    const n = scale.categories.length;
    return scale.categories.map((text, i) => ({
      at: n > 1 ? i / (n - 1) : 0.5,
      text
    }));
  }
  const { min, max, log } = scale;
  if (min === max) {
    return [{ at: 0.5, text: formatValue(min) }];
  }
  if (!log) {
    return [0, 0.5, 1].map(at => ({
      at,
      text: formatValue(min + (max - min) * at)
    }));
  }
  const [lo, hi] = [Math.log10(min), Math.log10(max)];
  const ticks = [{ at: 0, text: formatValue(min) }];
  for (let d = Math.ceil(lo); d <= Math.floor(hi); d++) {
    const at = (d - lo) / (hi - lo);
    // Clear of the end labels, which name the exact range.
    if (at > 0.15 && at < 0.85) {
      ticks.push({ at, text: formatValue(10 ** d) });
    }
  }
  ticks.push({ at: 1, text: formatValue(max) });
  return ticks;
}

/** The colour bar: the title, a gradient strip and its ticks, as DOM. */
export function renderColorBar(scale: ColorScale): HTMLElement {
  const node = document.createElement('div');
  node.className = 'tc-colorbar';
  const title = document.createElement('span');
  title.className = 'tc-colorbar-title';
  title.textContent = `${scale.title}${scale.log ? ' (log)' : ''}`;
  const strip = document.createElement('div');
  strip.className = 'tc-colorbar-strip';
  const stops =
    scale.categories.length > 0
      ? scale.categories.map((_, i, all) =>
          mapColor(all.length > 1 ? i / (all.length - 1) : 0.5)
        )
      : COLOR_MAP;
  strip.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const ticks = document.createElement('div');
  ticks.className = 'tc-colorbar-ticks';
  for (const tick of colorTicks(scale)) {
    const label = document.createElement('span');
    label.textContent = tick.text;
    label.style.left = `${tick.at * 100}%`;
    ticks.append(label);
  }
  node.append(title, strip, ticks);
  return node;
}
