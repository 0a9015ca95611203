/** The diagnosis listed under the charts: what was found, and what to try. */

import type { RunPayload } from './payload';

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
    list.append(
      renderFindingItem({
        kind: finding.kind,
        label: withRunNames ? `${run.name}: ${finding.kind}` : finding.kind,
        severity: finding.severity,
        where:
          finding.start === finding.end
            ? `epoch ${finding.start}`
            : `epochs ${finding.start}–${finding.end}`,
        message: finding.message,
        advice: finding.advice
      })
    );
  }
  return list;
}
