/**
 * The comparison table under the charts, as DOM built with textContent only.
 * Clicking a column title sorts by it; clicking again reverses.
 */

import { comparisonTable, runColors, sortRows } from './compare';
import type { Payload } from './payload';

export interface SortState {
  key: string;
  descending: boolean;
}

export function renderTable(
  payload: Payload,
  colors: Map<string, string>,
  sort: SortState | null,
  onSort: (key: string) => void
): HTMLElement {
  const table = comparisonTable(payload, run => run.text.status);
  const rows = sort ? sortRows(table, sort.key, sort.descending) : table.rows;
  const node = document.createElement('table');
  node.className = 'tc-table';
  const head = node.createTHead().insertRow();
  for (const column of table.columns) {
    const th = document.createElement('th');
    th.className = `tc-col-${column.kind}`;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = column.title;
    if (sort?.key === column.key) {
      th.setAttribute(
        'aria-sort',
        sort.descending ? 'descending' : 'ascending'
      );
      button.textContent += sort.descending ? ' ▼' : ' ▲';
    }
    button.addEventListener('click', () => onSort(column.key));
    th.append(button);
    head.append(th);
  }
  const body = node.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.runId = row.runId;
    for (const column of table.columns) {
      const cell = row.cells[column.key];
      const td = tr.insertCell();
      td.className = `tc-col-${column.kind}${cell?.differs ? ' tc-diff' : ''}`;
      if (column.key === 'run') {
        const swatch = document.createElement('span');
        swatch.className = 'tc-swatch';
        swatch.style.background = colors.get(row.runId) ?? 'currentColor';
        td.append(swatch);
      }
      td.append(document.createTextNode(cell?.text ?? '–'));
    }
  }
  return node;
}

/** A panel's comparison table: shown for two runs or more, sorted as picked. */
export class ComparisonTable {
  constructor() {
    this.node.className = 'tc-table-host';
  }

  readonly node = document.createElement('div');

  draw(payload: Payload, palette: string[]): void {
    if (payload.runs.length < 2) {
      this.node.replaceChildren();
      return;
    }
    const colors = runColors(payload.runs, palette);
    this.node.replaceChildren(
      renderTable(payload, colors, this._sort, key => {
        this._sort =
          this._sort?.key === key
            ? { key, descending: !this._sort.descending }
            : { key, descending: false };
        this.draw(payload, palette);
      })
    );
  }

  private _sort: SortState | null = null;
}
