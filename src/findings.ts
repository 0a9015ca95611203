/** The diagnosis listed under the charts: what was found, and what to try. */

import type { FindingGroup, RunPayload } from './payload';

/** One finding or layer hint: kind, where, what, and what to try. */
export function renderFindingItem(item: {
  kind: string;
  label: string;
  severity: string;
  where: string;
  message: string;
  advice: string;
}): HTMLLIElement {
  const node = document.createElement('li');
  node.className = `tc-finding tc-finding-${item.severity}`;
  node.dataset.kind = item.kind;
  const kind = document.createElement('span');
  kind.className = 'tc-finding-kind';
  kind.textContent = item.label;
  const range = document.createElement('span');
  range.className = 'tc-finding-range';
  range.textContent = `${item.where} · `;
  const message = document.createElement('span');
  message.className = 'tc-finding-message';
  message.textContent = item.message;
  const advice = document.createElement('span');
  advice.className = 'tc-finding-advice';
  advice.textContent = `Try: ${item.advice}`;
  node.append(kind, range, message, advice);
  return node;
}

export function renderFindings(
  runs: RunPayload[],
  withRunNames: boolean
): HTMLElement | null {
  const items = runs.flatMap(run =>
    run.findings.map(finding => ({ run, finding }))
  );
  if (items.length === 0) {
    return null;
  }
  const list = document.createElement('ul');
  list.className = 'tc-findings';
  list.setAttribute('aria-label', 'Findings');
  for (const { run, finding } of items) {
    const item = renderFindingItem({
      kind: finding.kind,
      label: withRunNames ? `${run.name}: ${finding.label}` : finding.label,
      severity: finding.severity,
      where:
        finding.start === finding.end
          ? `epoch ${finding.start}`
          : `epochs ${finding.start}–${finding.end}`,
      message: finding.message,
      advice: finding.advice
    });
    item.dataset.runId = run.id;
    list.append(item);
  }
  return list;
}

/** Findings of one kind across a comparison's runs. */
export interface Group {
  kind: string;
  label: string;
  severity: FindingGroup['severity'];
  runs: RunPayload[];
  /** How many runs the panel compares. */
  of: number;
}

/**
 * The payload's groups when they speak of the runs shown; else (runs
 * overlaid from other panels, older payloads) grouped here, by kind in
 * order of first appearance.
 */
export function groupFindings(
  runs: RunPayload[],
  said: FindingGroup[] | null
): Group[] {
  const byId = new Map(runs.map(run => [run.id, run]));
  if (said && said.every(g => g.of === runs.length)) {
    return said.map(g => ({
      kind: g.kind,
      label: g.label,
      severity: g.severity,
      runs: g.runs
        .map(id => byId.get(id))
        .filter((run): run is RunPayload => run !== undefined),
      of: g.of
    }));
  }
  const groups = new Map<string, Group>();
  for (const run of runs) {
    for (const finding of run.findings) {
      let group = groups.get(finding.kind);
      if (!group) {
        group = {
          kind: finding.kind,
          label: finding.label,
          severity: finding.severity,
          runs: [],
          of: runs.length
        };
        groups.set(finding.kind, group);
      }
      if (!group.runs.includes(run)) {
        group.runs.push(run);
      }
    }
  }
  return [...groups.values()];
}

/**
 * A sweep's findings, one line per kind (`likely overfitting · 183 of 200
 * runs`) that opens to the list. The list is built when first opened:
 * hundreds of items nobody asked for would cost every redraw.
 */
export function renderFindingGroups(
  groups: Group[],
  hover: (runId: string | null) => void
): HTMLElement | null {
  if (groups.length === 0) {
    return null;
  }
  const node = document.createElement('div');
  node.className = 'tc-finding-groups';
  node.setAttribute('aria-label', 'Findings');
  for (const group of groups) {
    const details = document.createElement('details');
    details.className = `tc-finding-group tc-finding-${group.severity}`;
    details.dataset.kind = group.kind;
    const summary = document.createElement('summary');
    const kind = document.createElement('span');
    kind.className = 'tc-finding-kind';
    kind.textContent = group.label;
    const count = document.createElement('span');
    count.className = 'tc-finding-count';
    count.textContent = ` · ${group.runs.length} of ${group.of} runs`;
    summary.append(kind, count);
    details.append(summary);
    details.addEventListener('toggle', () => {
      if (!details.open || details.querySelector('ul')) {
        return;
      }
      const items = group.runs.flatMap(run =>
        run.findings
          .filter(f => f.kind === group.kind)
          .map(f => ({ run, finding: f }))
      );
      const list = renderFindings(
        items.map(({ run, finding }) => ({ ...run, findings: [finding] })),
        true
      );
      if (list) {
        list.addEventListener('mouseover', event => {
          const li = (event.target as Element).closest('li');
          hover(li?.dataset.runId ?? null);
        });
        list.addEventListener('mouseleave', () => hover(null));
        details.append(list);
      }
    });
    node.append(details);
  }
  return node;
}
