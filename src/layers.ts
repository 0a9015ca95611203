/**
 * The panel's Distributions section: per layer (and run) a row with its
 * title, its hints and its charts. Each row's charts are a chart list keyed
 * by slot (chartlist.ts); their options come from distributions.ts.
 */

import { ChartList } from './chartlist';
import {
  distributionCharts,
  distributionRows,
  DistributionRow,
  latestFacts
} from './distributions';
import type { ECharts } from './echarts';
import { renderFindingItem } from './findings';
import type { RunPayload } from './payload';
import type { Theme } from './theme';

interface Row {
  node: HTMLElement;
  title: HTMLElement;
  hints: HTMLElement;
  /** By slot: band, heatmap or histogram. */
  charts: ChartList;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** What the section's heading says it holds. */
export function sectionSummary(rows: DistributionRow[]): string {
  const count = (kind: string) =>
    rows.filter(row => row.dist.kind === kind).length;
  const weights = count('weights');
  const gradients = count('gradients');
  const layers = rows.length - weights - gradients;
  return [
    layers > 0 ? plural(layers, 'layer') : '',
    weights > 0 ? plural(weights, 'weight') : '',
    gradients > 0 ? plural(gradients, 'gradient norm') : ''
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A row's title: the layer's name, its kind for weights, latest facts. */
export function renderRowTitle(row: DistributionRow): HTMLElement[] {
  const parts = [el('span', 'tc-dist-name', row.label)];
  if (row.dist.kind !== 'activations') {
    // weights, or gradient norms over an epoch's steps
    parts.push(
      el(
        'span',
        'tc-dist-kind',
        row.dist.kind === 'weights' ? 'weights' : 'gradient norms'
      )
    );
  }
  parts.push(el('span', 'tc-dist-facts', latestFacts(row.dist).join(' · ')));
  return parts;
}

/** A row's hints, shown like the diagnosis' findings. */
export function renderHints(row: DistributionRow): HTMLElement | null {
  if (row.dist.hints.length === 0) {
    return null;
  }
  const list = el('ul', 'tc-findings tc-dist-hints');
  list.setAttribute('aria-label', `Hints for ${row.label}`);
  for (const hint of row.dist.hints) {
    list.append(
      renderFindingItem({
        kind: hint.kind,
        label: hint.kind,
        severity: hint.kind === 'exploding' ? 'error' : 'warning',
        where: `epoch ${hint.epoch}`,
        message: hint.message,
        advice: hint.advice
      })
    );
  }
  return list;
}

export class DistributionSection {
  constructor() {
    this.node.className = 'tc-distributions';
    this.node.open = true;
    this.node.hidden = true;
    const heading = el('summary', 'tc-distributions-heading');
    heading.append(el('span', 'tc-distributions-title', 'Distributions'));
    heading.append(this._summary);
    this._summary.className = 'tc-distributions-summary';
    this._body.className = 'tc-distributions-rows';
    this.node.append(heading, this._body);
    // Charts laid out while closed have no size: fit them once opened.
    this.node.addEventListener('toggle', () => this.resize());
  }

  readonly node = document.createElement('details');

  /** Show the distributions of `runs`, creating charts as rows appear. */
  update(
    echarts: ECharts,
    runs: RunPayload[],
    theme: Theme,
    options: { height: number; animate: boolean }
  ): void {
    const rows = distributionRows(runs);
    // Only the section's first drawing may animate; updates must not flicker.
    const animate = options.animate && this._rows.size === 0;
    this.node.hidden = rows.length === 0;
    this._summary.textContent = sectionSummary(rows);
    const seen = new Set<string>();
    let resize = false;
    rows.forEach((row, order) => {
      seen.add(row.key);
      const shown = this._rows.get(row.key) ?? this._createRow(row);
      this._rows.set(row.key, shown);
      if (this._body.children[order] !== shown.node) {
        this._body.insertBefore(shown.node, this._body.children[order] ?? null);
      }
      shown.node.dataset.kind = row.dist.kind;
      shown.title.replaceChildren(...renderRowTitle(row));
      const hints = renderHints(row);
      shown.hints.replaceChildren(...(hints ? [hints] : []));
      const specs = distributionCharts(row.dist, theme, { label: row.label });
      const charts = specs.map(({ slot, option }) => ({
        key: slot,
        option: { ...option, animation: animate && !shown.charts.has(slot) }
      }));
      if (shown.charts.update(echarts, charts, options.height)) {
        resize = true;
      }
    });
    for (const [key, row] of this._rows) {
      if (!seen.has(key)) {
        row.charts.dispose();
        row.node.remove();
        this._rows.delete(key);
      }
    }
    if (resize) {
      this.resize();
    }
  }

  /** Fit every chart to its box, unless the box has no size (hidden). */
  resize(): void {
    this._rows.forEach(row => row.charts.resize());
  }

  /** The section's part of the panel's picture: nothing while it is closed. */
  pictureParts(): { charts: HTMLElement[]; titles: HTMLElement[] } {
    const rows =
      this.node.open && this.node.isConnected ? [...this._rows.values()] : [];
    return {
      charts: rows.flatMap(row => row.charts.nodes),
      titles: rows.map(row => row.title)
    };
  }

  dispose(): void {
    this._rows.forEach(row => row.charts.dispose());
    this._rows.clear();
    this.node.remove();
  }

  private _createRow(row: DistributionRow): Row {
    const node = el('section', 'tc-dist');
    node.dataset.name = row.dist.name;
    const title = el('div', 'tc-dist-title');
    const hints = el('div', 'tc-dist-hints-host');
    const host = el('div', 'tc-dist-charts');
    node.append(title, hints, host);
    const charts = new ChartList(host, {
      className: 'tc-dist-chart',
      keyAttribute: 'slot',
      // Axes too: a heat map's value scale comes and goes with its range.
      replaceMerge: ['series', 'xAxis', 'yAxis']
    });
    return { node, title, hints, charts };
  }

  private readonly _body = el('div', 'tc-distributions-rows');
  private readonly _summary = el('span', 'tc-distributions-summary');
  private readonly _rows = new Map<string, Row>();
}
