/**
 * What the analysis controls do to a curve: smoothing, per-epoch change, and
 * the x axis (epochs, steps or wall-clock seconds). Pure functions.
 */

import type { RunPayload } from './payload';
import type { XAxisMode } from './settings';

export type Points = [number, number | null][];

/**
 * Debiased exponential moving average, as TensorBoard smooths: early values
 * are not pulled towards zero. Missing and non-finite points stay gaps and do
 * not feed the average.
 */
export function smooth(
  values: (number | null)[],
  weight: number
): (number | null)[] {
  if (weight <= 0) {
    return values;
  }
  let last = 0;
  let count = 0;
  return values.map(value => {
    if (value === null || !Number.isFinite(value)) {
      return null;
    }
    last = last * weight + (1 - weight) * value;
    count++;
    return last / (1 - weight ** count);
  });
}

/** Change since the previous logged value; the first value has none. */
export function delta(values: (number | null)[]): (number | null)[] {
  let previous: number | null = null;
  return values.map(value => {
    if (value === null || !Number.isFinite(value)) {
      return null;
    }
    const change = previous === null ? null : value - previous;
    previous = value;
    return change;
  });
}

/** Why an x axis cannot be used for these runs, or null when it can. */
export function xAxisProblem(
  runs: RunPayload[],
  mode: XAxisMode
): string | null {
  if (mode === 'step' && runs.some(run => !run.steps_per_epoch)) {
    return 'steps per epoch are not known for every run';
  }
  if (mode === 'time' && runs.some(run => !run.time)) {
    return 'epoch times are not known for every run';
  }
  return null;
}

/** The x of an epoch (shown from 1) or a fractional batch position. */
export function xOf(
  run: RunPayload,
  epochX: number,
  index: number | null,
  mode: XAxisMode
): number | null {
  if (mode === 'step') {
    return epochX * (run.steps_per_epoch ?? NaN);
  }
  if (mode === 'time') {
    return index === null ? null : (run.time?.[index] ?? null);
  }
  return epochX;
}

/** Why a log y axis cannot show these points, or null when it can. */
export function logProblem(
  series: { name: string; points: Points }[]
): string | null {
  for (const { name, points } of series) {
    if (points.some(([, y]) => y !== null && Number.isFinite(y) && y <= 0)) {
      return `log scale needs positive values: ${name} has values ≤ 0`;
    }
  }
  return null;
}
