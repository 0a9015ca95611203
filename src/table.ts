/**
 * The comparison table under the charts, as DOM built with textContent only.
 * Clicking a column title sorts by it; clicking again reverses. For a sweep
 * it is the legend: a search over names, params and findings, a tick per
 * run to show or hide its curves, ranks, and hovering a row highlights the
 * run in every chart.
 */

import { comparisonTable, sortRows } from './compare';
import type { Payload } from './payload';
import type { SweepScene } from './sweepScene';

export interface SortState {
  key: string;
  descending: boolean;
}

export interface TableHandlers {
  sort: (key: string) => void;
  /** A run ticked (shown) or unticked (hidden); sweeps only. */
  tick?: (runId: string, shown: boolean) => void;
  /** The pointer entered a run's row, or left the rows (null). */
  hover?: (runId: string | null) => void;
}

export function renderTable(
  payload: Payload,
  scene: Pick<SweepScene, 'colors'> & Partial<SweepScene>,
  sort: SortState | null,
  on: TableHandlers
): HTMLElement {
  const sweep = scene.sweep === true;
  const table = comparisonTable(
    payload,
    run => run.text.status,
    sweep ? (scene.ranks ?? null) : null
  );
  const listed = table.rows.filter(
    row => !scene.listed || scene.listed.has(row.runId)
  );
  const rows = sort
    ? sortRows({ ...table, rows: listed }, sort.key, sort.descending)
    : listed;
  const drawn = new Set((scene.drawn ?? []).map(run => run.id));
  const node = document.createElement('table');
  node.className = 'tc-table';
  const head = node.createTHead().insertRow();
  if (sweep) {
    const th = document.createElement('th');
    th.className = 'tc-col-tick';
    th.setAttribute('aria-label', 'shown');
    head.append(th);
  }
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
    button.addEventListener('click', () => on.sort(column.key));
    th.append(button);
    head.append(th);
  }
  const body = node.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.runId = row.runId;
    if (sweep) {
      const strong = scene.strong?.has(row.runId) ?? false;
      tr.classList.toggle('tc-strong', strong);
      const td = tr.insertCell();
      td.className = 'tc-col-tick';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.className = 'tc-tick';
      box.checked = drawn.has(row.runId);
      box.setAttribute('aria-label', `show ${row.cells.run?.text ?? ''}`);
      box.addEventListener('change', () => on.tick?.(row.runId, box.checked));
      td.append(box);
    }
    for (const column of table.columns) {
      const cell = row.cells[column.key];
      const td = tr.insertCell();
      // In a sweep every param differs: marking them all says nothing.
      const differs = cell?.differs && !sweep;
      td.className = `tc-col-${column.kind}${differs ? ' tc-diff' : ''}`;
      if (column.key === 'run') {
        const swatch = document.createElement('span');
        swatch.className = 'tc-swatch';
        swatch.style.background = scene.colors.get(row.runId) ?? 'currentColor';
        td.append(swatch);
      }
      td.append(document.createTextNode(cell?.text ?? '–'));
    }
  }
  if (on.hover) {
    const hover = on.hover;
    // One listener for every row: a sweep has hundreds.
    body.addEventListener('mouseover', event => {
      const tr = (event.target as Element).closest('tr');
      hover(tr?.dataset.runId ?? null);
    });
    body.addEventListener('mouseleave', () => hover(null));
  }
  return node;
}

/**
 * A panel's comparison table: shown for two runs or more, sorted as picked;
 * a sweep's has a search box, kept across redraws so typing is not
 * interrupted.
 */
export class ComparisonTable {
  constructor(
    on: {
      query?: (text: string) => void;
      tick?: (runId: string, shown: boolean) => void;
      hover?: (runId: string | null) => void;
    } = {}
  ) {
    this._on = on;
    this.node.className = 'tc-table-host';
    this._bar.className = 'tc-table-bar';
    this._search.type = 'search';
    this._search.className = 'tc-table-search';
    this._search.placeholder = 'filter runs: name, lr<0.01, overfitting…';
    this._search.setAttribute('aria-label', 'Filter runs');
    this._count.className = 'tc-table-count';
    this._search.addEventListener('input', () => {
      // Redrawing hundreds of curves per key stroke would lag the typing.
      clearTimeout(this._typing);
      this._typing = window.setTimeout(
        () => this._on.query?.(this._search.value),
        150
      );
    });
    this._bar.append(this._search, this._count);
    this._scroll.className = 'tc-table-scroll';
  }

  readonly node = document.createElement('div');

  draw(payload: Payload, scene: SweepScene): void {
    if (payload.runs.length < 2) {
      this.node.replaceChildren();
      this._rows.clear();
      return;
    }
    // A sweep reads best from its best run down.
    const sort =
      this._sort ?? (scene.sweep ? { key: 'rank', descending: false } : null);
    const table = renderTable(payload, scene, sort, {
      sort: key => {
        this._sort =
          sort?.key === key
            ? { key, descending: !sort.descending }
            : { key, descending: false };
        this.draw(payload, scene);
      },
      tick: this._on.tick,
      hover: scene.sweep ? this._on.hover : undefined
    });
    this._rows = new Map(
      Array.from(table.querySelectorAll('tbody tr')).map(tr => [
        (tr as HTMLElement).dataset.runId!,
        tr as HTMLElement
      ])
    );
    this._scroll.replaceChildren(table);
    if (scene.sweep) {
      this._count.textContent = `${scene.drawn.length} of ${payload.runs.length} runs shown`;
      this.node.replaceChildren(this._bar, this._scroll);
    } else {
      this.node.replaceChildren(this._scroll);
    }
    this.mark(this._marked);
  }

  /** Mark the row of the run highlighted in the charts (null: none). */
  mark(runId: string | null): void {
    if (this._marked !== null) {
      this._rows.get(this._marked)?.classList.remove('tc-hovered');
    }
    this._marked = runId;
    if (runId !== null) {
      this._rows.get(runId)?.classList.add('tc-hovered');
    }
  }

  dispose(): void {
    clearTimeout(this._typing);
  }

  private readonly _on: {
    query?: (text: string) => void;
    tick?: (runId: string, shown: boolean) => void;
    hover?: (runId: string | null) => void;
  };
  private readonly _bar = document.createElement('div');
  private readonly _search = document.createElement('input');
  private readonly _count = document.createElement('span');
  private readonly _scroll = document.createElement('div');
  private _rows = new Map<string, HTMLElement>();
  private _marked: string | null = null;
  private _sort: SortState | null = null;
  private _typing = 0;
}
