/**
 * Several runs on one panel: a colour per run that stays the same for the
 * same name, legend labels with each run's best value, and the table rows.
 */

import { formatValue } from './format';
import type { Payload, RunPayload } from './payload';

/** A small string hash (FNV-1a): the same name always picks the same colour. */
export function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Colour of each run: the one its payload gives it (python/presentation.py
 * picks them as below; a sweep of more runs than colours repeats them);
 * else the palette slot its name hashes to, or the next free one.
 */
export function runColors(
  runs: RunPayload[],
  palette: string[]
): Map<string, string> {
  const taken = new Set<string>();
  const colors = new Map<string, string>();
  for (const run of runs) {
    let color = run.color;
    if (color === null) {
      let slot = hashName(run.name) % palette.length;
      for (let i = 0; i < palette.length && taken.has(palette[slot]); i++) {
        slot = (slot + 1) % palette.length;
      }
      color = palette[slot];
    }
    taken.add(color);
    colors.set(run.id, color);
  }
  return colors;
}

/** The metric whose best value labels a run on a family's chart. */
export function headlineMetric(
  run: RunPayload,
  metrics: string[]
): string | undefined {
  const logged = metrics.filter(m => m in run.metrics && run.best[m]);
  return logged.find(m => run.placed[m]?.split === 'validation') ?? logged[0];
}

/** `baseline (best val_accuracy 0.953 @ 14)`: one legend entry per run. */
export function legendLabel(run: RunPayload, metrics: string[]): string {
  const metric = headlineMetric(run, metrics);
  if (!metric) {
    return run.name;
  }
  const best = run.best[metric];
  return `${run.name} (best ${metric} ${formatValue(best.value)} @ ${best.epoch})`;
}

export interface Column {
  key: string;
  title: string;
  kind: 'text' | 'number' | 'param';
}

export interface Cell {
  text: string;
  /** What sorting compares: numbers numerically, the rest as text. */
  sort: number | string | null;
  /** A param whose value differs between the runs. */
  differs?: boolean;
}

export interface Table {
  columns: Column[];
  rows: { runId: string; cells: Record<string, Cell> }[];
}

function lastValue(run: RunPayload, metric: string): number | null {
  const values = run.metrics[metric] ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null) {
      return values[i];
    }
  }
  return null;
}

/**
 * The comparison table: run, params, epochs, status, best and final values;
 * with `ranks` (a sweep) also each run's rank by the focus metric first,
 * and the kinds of finding of each run when any run has one.
 */
export function comparisonTable(
  payload: Payload,
  statusText: (run: RunPayload) => string,
  ranks: Map<string, number> | null = null
): Table {
  const metrics: string[] = [];
  const params: string[] = [];
  for (const run of payload.runs) {
    for (const m of Object.keys(run.metrics)) {
      if (
        !metrics.includes(m) &&
        (!payload.view.metrics || payload.view.metrics.includes(m))
      ) {
        metrics.push(m);
      }
    }
    for (const p of Object.keys(run.params)) {
      if (!params.includes(p)) {
        params.push(p);
      }
    }
  }
  const validation = metrics.filter(m =>
    payload.runs.some(run => run.placed[m]?.split === 'validation')
  );
  const found =
    ranks !== null && payload.runs.some(run => run.findings.length > 0);
  const columns: Column[] = [
    ...(ranks ? [{ key: 'rank', title: '#', kind: 'number' as const }] : []),
    { key: 'run', title: 'run', kind: 'text' },
    ...params.map(p => ({
      key: `param:${p}`,
      title: p,
      kind: 'param' as const
    })),
    { key: 'epochs', title: 'epochs', kind: 'number' },
    { key: 'status', title: 'status', kind: 'text' },
    ...validation.map(m => ({
      key: `best:${m}`,
      title: `best ${m}`,
      kind: 'number' as const
    })),
    ...metrics.map(m => ({
      key: `final:${m}`,
      title: `final ${m}`,
      kind: 'number' as const
    })),
    ...(found
      ? [{ key: 'findings', title: 'findings', kind: 'text' as const }]
      : [])
  ];
  const differs = new Set(
    params.filter(
      p =>
        new Set(payload.runs.map(r => JSON.stringify(r.params[p] ?? null)))
          .size > 1
    )
  );
  const rows = payload.runs.map(run => {
    const cells: Record<string, Cell> = {
      run: { text: run.name, sort: run.name },
      epochs: { text: String(run.epochCount), sort: run.epochCount },
      status: { text: statusText(run), sort: statusText(run) }
    };
    const rank = ranks?.get(run.id);
    if (rank !== undefined) {
      cells.rank = { text: String(rank), sort: rank };
    }
    if (found) {
      const labels = [...new Set(run.findings.map(f => f.label))].join(', ');
      cells.findings = { text: labels || '–', sort: labels || null };
    }
    for (const p of params) {
      const value = run.params[p];
      cells[`param:${p}`] = {
        text: value === undefined ? '–' : String(value),
        sort:
          typeof value === 'number'
            ? value
            : value === undefined
              ? null
              : String(value),
        differs: differs.has(p)
      };
    }
    for (const m of validation) {
      const best = run.best[m];
      cells[`best:${m}`] = best
        ? {
            text: `${formatValue(best.value)} @ ${best.epoch}`,
            sort: best.value
          }
        : { text: '–', sort: null };
    }
    for (const m of metrics) {
      const last = lastValue(run, m);
      cells[`final:${m}`] = { text: formatValue(last), sort: last };
    }
    return { runId: run.id, cells };
  });
  return { columns, rows };
}

/** Rows sorted by a column; runs without a value go last either way. */
export function sortRows(
  table: Table,
  key: string,
  descending: boolean
): Table['rows'] {
  return [...table.rows].sort((a, b) => {
    const x = a.cells[key]?.sort ?? null;
    const y = b.cells[key]?.sort ?? null;
    if (x === null || y === null) {
      return x === y ? 0 : x === null ? 1 : -1;
    }
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y));
    return descending ? -order : order;
  });
}

/**
 * Runs added to a panel's comparison (the Compare menu), their colour
 * cleared where one of `own` has it already, so that `runColors` picks
 * another.
 */
export function recolored(
  own: RunPayload[],
  added: RunPayload[]
): RunPayload[] {
  const taken = new Set(own.map(run => run.color));
  return added.map(run =>
    run.color !== null && taken.has(run.color) ? { ...run, color: null } : run
  );
}
