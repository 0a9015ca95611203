/**
 * The panel header: run name, status, epochs, latest value of every metric.
 * Built with DOM nodes and textContent only: names are never HTML.
 */

import { formatValue } from './format';
import type { Liveness } from './kernels';
import { planCharts } from './metrics';
import type { RunPayload } from './payload';

/** What a running run whose kernel can no longer update it is shown as. */
export const STALE_TEXT: Record<Exclude<Liveness, 'live'>, [string, string]> = {
  saved: [
    'running when last saved',
    'Training was still running when this output was saved; no kernel is ' +
      'updating it now. It shows the epochs logged until then.'
  ],
  restarted: [
    'kernel restarted',
    'The kernel restarted before the run ended: it shows the epochs logged ' +
      'until then.'
  ],
  stopped: [
    'kernel stopped',
    'The kernel stopped before the run ended: it shows the epochs logged ' +
      'until then.'
  ]
};

/** Whether a run is still training and its panel still updated. */
export function isLive(run: RunPayload, liveness: Liveness): boolean {
  return run.status === 'running' && liveness === 'live';
}

/** The latest logged value of a metric and its epoch. */
export function latest(
  run: RunPayload,
  metric: string
): { epoch: number; value: number | null } | null {
  const values = run.metrics[metric];
  const bad = new Map(run.nonfinite[metric] ?? []);
  for (let i = values.length - 1; i >= 0; i--) {
    if (values[i] !== null || bad.has(run.epochs[i])) {
      return { epoch: run.epochs[i], value: values[i] };
    }
  }
  return null;
}

/**
 * One line on how far the run got, as the payload's writer put it: where a
 * live run is and its ETA, else what the run did.
 */
export function progressText(
  run: RunPayload,
  liveness: Liveness = 'live'
): string {
  return isLive(run, liveness) && run.text.progress !== null
    ? run.text.progress
    : run.text.done;
}

/** Share of planned epochs done, for the progress bar of a running run. */
export function progressFraction(
  run: RunPayload,
  liveness: Liveness = 'live'
): number | null {
  const total = run.progress.total;
  if (!isLive(run, liveness) || !total) {
    return null;
  }
  return Math.min(1, Math.max(0, run.progress.epoch / total));
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/**
 * `liveness`: whether the kernel that produced a running run can still
 * update it (see kernels.ts); a run that cannot says so instead of `running`.
 */
export function renderHeader(
  run: RunPayload,
  liveness: Liveness = 'live'
): HTMLElement {
  const header = el('div', 'tc-header');
  const title = el('div', 'tc-title');
  const stale =
    run.status === 'running' && liveness !== 'live'
      ? STALE_TEXT[liveness]
      : null;
  title.append(
    el('span', 'tc-name', run.name),
    stale
      ? el('span', `tc-status tc-status-stale tc-status-${liveness}`, stale[0])
      : el('span', `tc-status tc-status-${run.status}`, run.text.status),
    el('span', 'tc-progress', progressText(run, liveness))
  );
  header.append(title);
  if (stale) {
    header.append(el('div', 'tc-note tc-stale', stale[1]));
  }

  const fraction = progressFraction(run, liveness);
  if (fraction !== null) {
    const bar = el('div', 'tc-progressbar');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', String(run.progress.total));
    bar.setAttribute('aria-valuenow', String(run.progress.epoch));
    const fill = el('div', 'tc-progressbar-fill');
    fill.style.width = `${(fraction * 100).toFixed(1)}%`;
    bar.append(fill);
    header.append(bar);
  }
  if (run.epochCount > run.epochs.length) {
    header.append(
      el(
        'div',
        'tc-note',
        `epoch curves drawn from ${run.epochs.length.toLocaleString('en')} of ` +
          `${run.epochCount.toLocaleString('en')} epochs while training ` +
          '(lowest, highest and best kept); every epoch when it ends'
      )
    );
  }
  const batches = run.batches;
  if (batches && batches.count > batches.x.length) {
    header.append(
      el(
        'div',
        'tc-note',
        `batch curves drawn from ${batches.x.length.toLocaleString('en')} of ` +
          `${batches.count.toLocaleString('en')} points (lowest, highest and ` +
          'non-finite points kept); the run holds them all'
      )
    );
  }
  const problem = run.events.find(
    e => e.kind === 'failed' || e.kind === 'interrupted'
  );
  if (problem && typeof problem.message === 'string') {
    header.append(el('div', 'tc-warning', problem.message));
  }

  const values = el('div', 'tc-latest');
  const split = (metric: string) => run.placed[metric]?.split ?? 'train';
  // Grouped as the payload places them: loss first, train before validation.
  const order = planCharts(null, [run])
    .map(chart => chart.metrics.map(m => m.name).filter(m => m in run.metrics))
    .flatMap(names =>
      names.sort(
        (a, b) => Number(split(a) !== 'train') - Number(split(b) !== 'train')
      )
    );
  const lastText = (metric: string): [string, boolean] => {
    const last = latest(run, metric);
    if (last && last.value === null) {
      return [
        new Map(run.nonfinite[metric] ?? []).get(last.epoch) ?? '–',
        true
      ];
    }
    return [formatValue(last?.value), false];
  };
  const bestText = (metric: string): string | null => {
    const best = run.best[metric];
    return best && split(metric) === 'validation'
      ? `best ${formatValue(best.value)} @ ${best.epoch}`
      : null;
  };
  // The key metrics (the loss and the focus metric, as the payload says)
  // lead; a long list's others are folded into a table under them.
  const key = order.filter(m => run.placed[m]?.key ?? true);
  for (const metric of key) {
    const chip = el('span', `tc-metric tc-split-${split(metric)}`);
    chip.append(el('span', 'tc-metric-name', metric));
    const [value, bad] = lastText(metric);
    chip.append(
      el('span', bad ? 'tc-metric-value tc-bad' : 'tc-metric-value', value)
    );
    const best = bestText(metric);
    if (best) {
      chip.append(el('span', 'tc-metric-best', best));
    }
    values.append(chip);
  }
  header.append(values);
  const rest = order.filter(m => !key.includes(m));
  if (rest.length > 0) {
    const more = document.createElement('details');
    more.className = 'tc-more-metrics';
    more.append(el('summary', '', `${rest.length} more metrics`));
    const table = document.createElement('table');
    for (const metric of rest) {
      const row = document.createElement('tr');
      const [value, bad] = lastText(metric);
      row.append(
        el('td', 'tc-metric-name', metric),
        el('td', bad ? 'tc-metric-value tc-bad' : 'tc-metric-value', value),
        el('td', 'tc-metric-best', bestText(metric) ?? '')
      );
      table.append(row);
    }
    more.append(table);
    header.append(more);
  }

  for (const [metric, entries] of Object.entries(run.nonfinite)) {
    if (entries.length > 0) {
      header.append(
        el(
          'div',
          'tc-warning',
          `${metric} became ${entries[0][1]} at epoch ${entries[0][0]}`
        )
      );
    }
  }
  return header;
}

/** The header of a panel comparing runs: the table under the charts says more. */
export function renderComparisonHeader(
  runs: RunPayload[],
  liveness: Liveness = 'live'
): HTMLElement {
  const header = el('div', 'tc-header');
  const title = el('div', 'tc-title');
  const running = runs.filter(run => run.status === 'running').length;
  const what = {
    live: 'running',
    saved: 'running when last saved',
    restarted: 'running when the kernel restarted',
    stopped: 'running when the kernel stopped'
  }[liveness];
  title.append(
    el('span', 'tc-name', 'comparison'),
    el(
      'span',
      'tc-progress',
      `${runs.length} runs` + (running ? ` · ${running} ${what}` : '')
    )
  );
  header.append(title);
  return header;
}
