/**
 * The toolbar's Compare menu: the other runs shown in the panel's notebook,
 * each with a checkbox. The runs picked are overlaid on the panel and
 * followed as their outputs change.
 */

import type { ISignal } from '@lumino/signaling';

import { recolored } from './compare';
import type { NotebookRuns } from './notebook';
import type { RunPayload } from './payload';

export interface CompareMenuOptions {
  /** The runs of the panel's notebook; null when it is in none. */
  find: () => NotebookRuns | null;
  /** The panel's own runs: neither listed nor overlaid. */
  own: () => RunPayload[];
  /** The runs to overlay, or their data, changed. */
  changed: () => void;
}

export class CompareMenu {
  constructor(options: CompareMenuOptions) {
    this._options = options;
    this.node.className = 'tc-menu tc-compare';
    const summary = document.createElement('summary');
    summary.textContent = 'Compare';
    summary.title = 'Overlay other training runs shown in this notebook';
    this._list.className = 'tc-menu-list tc-compare-list';
    this.node.append(summary, this._list);
    this.node.addEventListener('toggle', () => {
      if (this.node.open) {
        this._fill();
      }
    });
  }

  readonly node = document.createElement('details');

  /** The runs picked, with their freshest data. */
  overlays(): RunPayload[] {
    if (this._picked.size === 0) {
      return [];
    }
    for (const run of this._options.find()?.runs ?? []) {
      if (this._picked.has(run.id)) {
        this._runs.set(run.id, run);
      }
    }
    const ownRuns = this._options.own();
    const own = new Set(ownRuns.map(run => run.id));
    const picked = [...this._picked]
      .filter(id => !own.has(id))
      .map(id => this._runs.get(id))
      .filter((run): run is RunPayload => run !== undefined);
    return recolored(ownRuns, picked);
  }

  dispose(): void {
    this._disposed = true;
    this._watch(false);
  }

  private _fill(): void {
    const own = new Set(this._options.own().map(run => run.id));
    const found = this._options.find();
    const others = (found?.runs ?? []).filter(run => !own.has(run.id));
    if (others.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'tc-compare-empty';
      empty.textContent = found
        ? 'No other traincurves runs in this notebook.'
        : 'Other runs are listed when the panel is in a notebook.';
      this._list.replaceChildren(empty);
      return;
    }
    this._list.replaceChildren(...others.map(run => this._choice(run)));
  }

  private _choice(run: RunPayload): HTMLLabelElement {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = this._picked.has(run.id);
    box.addEventListener('change', () => {
      if (box.checked) {
        this._picked.add(run.id);
        this._runs.set(run.id, run);
      } else {
        this._picked.delete(run.id);
      }
      this._watch(this._picked.size > 0);
      this._options.changed();
    });
    const name = document.createElement('span');
    name.className = 'tc-compare-name';
    name.textContent = run.name;
    const detail = document.createElement('span');
    detail.className = 'tc-compare-detail';
    detail.textContent = `${run.text.status}, ${run.epochCount} epochs`;
    label.append(box, name, detail);
    return label;
  }

  /** While runs are overlaid, follow their outputs as they change. */
  private _watch(on: boolean): void {
    const signal = on ? this._options.find()?.changed : null;
    if (this._watched === signal) {
      return;
    }
    this._watched?.disconnect(this._onNotebookChanged, this);
    this._watched = signal ?? null;
    this._watched?.connect(this._onNotebookChanged, this);
  }

  /** Outputs change many times a frame during a run: redraw once a frame. */
  private _onNotebookChanged(): void {
    if (this._queued) {
      return;
    }
    this._queued = true;
    requestAnimationFrame(() => {
      this._queued = false;
      if (!this._disposed) {
        this._options.changed();
      }
    });
  }

  private readonly _options: CompareMenuOptions;
  private readonly _list = document.createElement('div');
  /** Ids of the runs picked, in the order they were picked. */
  private readonly _picked = new Set<string>();
  /** The latest data seen of each run picked. */
  private readonly _runs = new Map<string, RunPayload>();
  private _watched: ISignal<unknown, void> | null = null;
  private _queued = false;
  private _disposed = false;
}
