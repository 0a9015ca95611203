/** The diagnosis listed under the charts: what was found, and what to try. */

import type { RunPayload } from './payload';

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
    const item = document.createElement('li');
    item.className = `tc-finding tc-finding-${finding.severity}`;
    item.dataset.kind = finding.kind;
    const kind = document.createElement('span');
    kind.className = 'tc-finding-kind';
    kind.textContent = withRunNames
      ? `${run.name}: ${finding.kind}`
      : finding.kind;
    const range = document.createElement('span');
    range.className = 'tc-finding-range';
    range.textContent =
      finding.start === finding.end
        ? `epoch ${finding.start} · `
        : `epochs ${finding.start}–${finding.end} · `;
    const message = document.createElement('span');
    message.className = 'tc-finding-message';
    message.textContent = finding.message;
    const advice = document.createElement('span');
    advice.className = 'tc-finding-advice';
    advice.textContent = `Try: ${finding.advice}`;
    item.append(kind, range, message, advice);
    list.append(item);
  }
  return list;
}
