/**
 * A comparison of many runs (a sweep): which runs are ranked best by the
 * focus metric and drawn strongly, and which runs the user's filters leave
 * in view (the table's search and ticks, brushed parallel axes). Pure
 * functions over the payload; the widget keeps the state.
 */

import type { Focus, Payload, RunPayload } from './payload';

/** Beyond this many runs, curves are faint and only the best k strong. */
export const SWEEP_RUNS = 10;

/** Best runs drawn strongly when the payload does not say how many. */
export const DEFAULT_HIGHLIGHT = 5;

export function isSweep(payload: Payload): boolean {
  return payload.runs.length > SWEEP_RUNS;
}

/**
 * The metric runs are ranked by: the payload's, else the first validation
 * metric with a best value (a payload written before `focus` existed).
 */
export function focusOf(payload: Payload): Focus | null {
  if (payload.focus) {
    return payload.focus;
  }
  let fallback: Focus | null = null;
  for (const run of payload.runs) {
    for (const [metric, best] of Object.entries(run.best)) {
      if (run.placed[metric]?.split === 'validation') {
        return { metric, mode: best.mode };
      }
      fallback ??= { metric, mode: best.mode };
    }
  }
  return fallback;
}

/** A run's best value of the focus metric, or null. */
export function focusValue(
  run: RunPayload,
  focus: Focus | null
): number | null {
  return focus ? (run.best[focus.metric]?.value ?? null) : null;
}

/**
 * Each run's rank (1 = best): the payload's when every run has one; else
 * (runs overlaid from other panels have none) by the focus metric. Runs
 * without a focus value rank last, in panel order.
 */
export function rankRuns(payload: Payload): Map<string, number> {
  const { runs } = payload;
  if (runs.every(run => run.rank !== null)) {
    return new Map(runs.map(run => [run.id, run.rank!]));
  }
  const focus = focusOf(payload);
  const sign = focus?.mode === 'max' ? -1 : 1;
  const order = runs
    .map((run, i) => ({ run, i, value: focusValue(run, focus) }))
    .sort((a, b) =>
      a.value === null || b.value === null
        ? (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || a.i - b.i
        : sign * (a.value - b.value) || a.i - b.i
    );
  return new Map(order.map(({ run }, k) => [run.id, k + 1]));
}

/**
 * The runs drawn strongly: every run of a small comparison; in a sweep the
 * k best-ranked of those drawn (k from the payload), so narrowing the view
 * brings the best of what is left forward.
 */
export function strongRuns(
  payload: Payload,
  drawn: RunPayload[],
  ranks: Map<string, number>
): Set<string> {
  if (!isSweep(payload)) {
    return new Set(drawn.map(run => run.id));
  }
  const k = payload.highlight ?? DEFAULT_HIGHLIGHT;
  const rank = (run: RunPayload) => ranks.get(run.id) ?? Infinity;
  return new Set(
    [...drawn]
      .sort((a, b) => rank(a) - rank(b))
      .slice(0, k)
      .map(run => run.id)
  );
}

const COMPARISON = /^([^<>=!\s]+)(<=|>=|!=|=|<|>)(.+)$/;

function compare(value: unknown, op: string, target: string): boolean {
  const number = Number(target);
  if (typeof value === 'number' && target.trim() !== '' && !isNaN(number)) {
    return op === '<'
      ? value < number
      : op === '<='
        ? value <= number
        : op === '>'
          ? value > number
          : op === '>='
            ? value >= number
            : op === '='
              ? value === number
              : value !== number;
  }
  const text = String(value).toLowerCase();
  return op === '=' ? text === target : op === '!=' ? text !== target : false;
}

/**
 * Whether a run matches the table's search: every word must. A word is
 * text found in the run's name, a `param=value` or a finding's kind, or a
 * comparison on a param or a best value: `lr<0.01`, `width>=256`,
 * `val_loss<0.5`, `optimizer=adam`.
 */
export function matchesQuery(run: RunPayload, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every(word => {
    const parts = COMPARISON.exec(word);
    if (parts) {
      const [, key, op, target] = parts;
      const name = Object.keys(run.params).find(k => k.toLowerCase() === key);
      const metric = Object.keys(run.best).find(k => k.toLowerCase() === key);
      if (name !== undefined) {
        return compare(run.params[name], op, target);
      }
      if (metric !== undefined) {
        return compare(run.best[metric].value, op, target);
      }
    }
    const texts = [
      run.name,
      ...Object.entries(run.params).map(([k, v]) => `${k}=${v}`),
      ...run.findings.flatMap(f => [f.kind, f.label])
    ];
    return texts.some(text => text.toLowerCase().includes(word));
  });
}

/** One brushed axis: its value for a run, and the ranges kept. */
export interface Brush {
  value: (run: RunPayload) => number | null;
  ranges: [number, number][];
}

/** What the user narrowed the comparison to: view state, never data. */
export interface SweepFilter {
  query: string;
  /** Ranges brushed on the parallel axes, by axis key. */
  brushes: Record<string, Brush>;
  /** Runs unticked in the table: listed there, not drawn. */
  hidden: ReadonlySet<string>;
}

export const NO_FILTER: SweepFilter = {
  query: '',
  brushes: {},
  hidden: new Set()
};

/** A run the search and every brushed axis keep: listed in the table. */
export function isListed(run: RunPayload, filter: SweepFilter): boolean {
  return (
    matchesQuery(run, filter.query) &&
    Object.values(filter.brushes).every(({ value, ranges }) => {
      const v = value(run);
      return v !== null && ranges.some(([lo, hi]) => v >= lo && v <= hi);
    })
  );
}

/** Runs listed and ticked: drawn on the charts. */
export function drawnRuns(
  runs: RunPayload[],
  filter: SweepFilter
): RunPayload[] {
  return runs.filter(
    run => !filter.hidden.has(run.id) && isListed(run, filter)
  );
}
