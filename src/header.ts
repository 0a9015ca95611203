/**
 * The panel header: run name, status, epochs, latest value of every metric.
 * Built with DOM nodes and textContent only: names are never HTML.
 */

import { formatDuration, formatValue } from './format';
import { splitOf } from './metrics';
import type { RunPayload, Status } from './payload';

export const STATUS_TEXT: Record<Status, string> = {
  running: 'running',
  finished: 'finished',
  stopped_early: 'stopped early',
  interrupted: 'interrupted',
  failed: 'failed'
};

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

/** One-line description of how far the run got. */
export function progressText(run: RunPayload): string {
  const count = run.epochs.length;
  const total = run.progress.total;
  const epochs =
    run.status === 'running' && total
      ? `epoch ${run.progress.epoch}/${total}`
      : `${count} epoch${count === 1 ? '' : 's'}`;
  const elapsed = run.progress.elapsed;
  return elapsed === null ? epochs : `${epochs} · ${formatDuration(elapsed)}`;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

export function renderHeader(run: RunPayload): HTMLElement {
  const header = el('div', 'tc-header');
  const title = el('div', 'tc-title');
  title.append(
    el('span', 'tc-name', run.name),
    el('span', `tc-status tc-status-${run.status}`, STATUS_TEXT[run.status]),
    el('span', 'tc-progress', progressText(run))
  );
  header.append(title);

  const values = el('div', 'tc-latest');
  for (const metric of Object.keys(run.metrics)) {
    const last = latest(run, metric);
    const chip = el('span', `tc-metric tc-split-${splitOf(metric)}`);
    chip.append(el('span', 'tc-metric-name', metric));
    const bad = last && last.value === null;
    chip.append(
      el(
        'span',
        bad ? 'tc-metric-value tc-bad' : 'tc-metric-value',
        bad
          ? (new Map(run.nonfinite[metric] ?? []).get(last.epoch) ?? '–')
          : formatValue(last?.value)
      )
    );
    const best = run.best[metric];
    if (best && splitOf(metric) === 'validation') {
      chip.append(
        el(
          'span',
          'tc-metric-best',
          `best ${formatValue(best.value)} @ ${best.epoch}`
        )
      );
    }
    values.append(chip);
  }
  header.append(values);

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
