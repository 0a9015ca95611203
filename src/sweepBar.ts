/**
 * The line above a sweep's charts: colour runs by a param or the focus
 * metric (with its colour bar), and the run highlighted now, named with
 * its params, rank and best value, whichever chart or row is hovered.
 */

import { renderColorBar } from './colorBy';
import { formatValue } from './format';
import type { RunPayload } from './payload';
import type { SweepScene } from './sweepScene';

export class SweepBar {
  constructor(choose: (key: string | null) => void) {
    this.node.className = 'tc-sweep-bar';
    this.node.hidden = true;
    this._select.className = 'tc-colorby-input';
    this._select.setAttribute('aria-label', 'colour runs by');
    this._select.addEventListener('change', () =>
      choose(this._select.value || null)
    );
    const label = document.createElement('label');
    label.className = 'tc-control tc-colorby';
    const text = document.createElement('span');
    text.textContent = 'colour by';
    label.append(text, this._select);
    this._bar.className = 'tc-colorbar-host';
    this._run.className = 'tc-hover-run';
    this._run.setAttribute('aria-live', 'polite');
    this.node.append(label, this._bar, this._run);
  }

  readonly node = document.createElement('div');

  draw(runs: RunPayload[], scene: SweepScene): void {
    this.node.hidden = !scene.sweep;
    if (!scene.sweep) {
      return;
    }
    this._runs = new Map(runs.map(run => [run.id, run]));
    this._scene = scene;
    const choices = [
      { key: '', title: 'run' },
      ...scene.axes.map(a => ({ key: a.key, title: a.title }))
    ];
    const keys = choices.map(c => c.key).join('\u0000');
    if (keys !== this._keys) {
      this._keys = keys;
      this._select.replaceChildren(
        ...choices.map(choice => {
          const option = document.createElement('option');
          option.value = choice.key;
          option.textContent = choice.title;
          return option;
        })
      );
    }
    this._select.value = scene.scale?.key ?? '';
    this._bar.replaceChildren(
      ...(scene.scale ? [renderColorBar(scene.scale)] : [])
    );
    this.show(this._shown);
  }

  /** Name the run highlighted now; null: say how to read the panel. */
  show(runId: string | null): void {
    this._shown = runId;
    const run = runId === null ? undefined : this._runs.get(runId);
    const scene = this._scene;
    if (!run || !scene) {
      const strong = scene?.strong.size ?? 0;
      this._run.textContent = scene
        ? `best ${strong} of ${scene.drawn.length} drawn strongly · hover a curve or row`
        : '';
      return;
    }
    const parts = [
      run.name,
      ...Object.entries(run.params).map(([k, v]) =>
        typeof v === 'number' ? `${k} ${formatValue(v)}` : `${k} ${v}`
      )
    ];
    const rank = scene.ranks.get(run.id);
    if (rank !== undefined) {
      parts.push(`#${rank}`);
    }
    const focus = scene.axes.find(a => a.key.startsWith('best:'));
    const best = focus?.value(run);
    if (focus && best !== null && best !== undefined) {
      parts.push(`${focus.title} ${formatValue(best)}`);
    }
    const kinds = [...new Set(run.findings.map(f => f.label))];
    parts.push(...kinds);
    this._run.textContent = parts.join(' · ');
  }

  private readonly _select = document.createElement('select');
  private readonly _bar = document.createElement('div');
  private readonly _run = document.createElement('span');
  private _runs = new Map<string, RunPayload>();
  private _scene: SweepScene | null = null;
  private _keys = '';
  private _shown: string | null = null;
}
