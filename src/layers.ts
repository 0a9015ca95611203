/**
 * The panel's Distributions section: per layer (and run) a row with its
 * title, its hints and its charts. The charts are created once per row and
 * slot and updated in place; their options come from distributions.ts.
 */

import type { EChartsType } from 'echarts/core';

import {
  distributionCharts,
  distributionRows,
  DistributionRow,
  latestFacts
} from './distributions';
import { fitChart, type ECharts } from './echarts';
import { renderFindingItem } from './findings';
import type { RunPayload } from './payload';
import type { Theme } from './theme';

/** Width used to lay out a chart while its output is detached or hidden. */
const FALLBACK_WIDTH = 480;

interface Row {
  node: HTMLElement;
  title: HTMLElement;
  hints: HTMLElement;
  charts: HTMLElement;
  /** By slot: band, heatmap or histogram. */
  entries: Map<string, { node: HTMLElement; chart: EChartsType }>;
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
      let shown = this._rows.get(row.key);
      if (!shown) {
        shown = this._createRow(row);
        this._rows.set(row.key, shown);
      }
      if (this._body.children[order] !== shown.node) {
        this._body.insertBefore(shown.node, this._body.children[order] ?? null);
      }
      shown.node.dataset.kind = row.dist.kind;
      shown.title.replaceChildren(...renderRowTitle(row));
      const hints = renderHints(row);
      shown.hints.replaceChildren(...(hints ? [hints] : []));
      const specs = distributionCharts(row.dist, theme, { label: row.label });
      const slots = new Set<string>(specs.map(spec => spec.slot));
      for (const [slot, entry] of shown.entries) {
        if (!slots.has(slot)) {
          entry.chart.dispose();
          entry.node.remove();
          shown.entries.delete(slot);
          resize = true;
        }
      }
      const height = `${options.height}px`;
      for (const spec of specs) {
        let entry = shown.entries.get(spec.slot);
        const fresh = !entry;
        if (!entry) {
          const node = el('div', 'tc-dist-chart');
          node.dataset.slot = spec.slot;
          node.style.height = height;
          shown.charts.append(node);
          entry = { node, chart: this._init(echarts, node, options.height) };
          shown.entries.set(spec.slot, entry);
          resize = true;
        } else if (entry.node.style.height !== height) {
          entry.node.style.height = height;
          resize = true;
        }
        spec.option.animation = animate && fresh;
        // Axes too: a heat map's value scale comes and goes with its range.
        entry.chart.setOption(spec.option, {
          replaceMerge: ['series', 'xAxis', 'yAxis']
        });
      }
    });
    for (const [key, row] of this._rows) {
      if (!seen.has(key)) {
        row.entries.forEach(entry => entry.chart.dispose());
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
    for (const row of this._rows.values()) {
      for (const { node, chart } of row.entries.values()) {
        fitChart(node, chart);
      }
    }
  }

  dispose(): void {
    for (const row of this._rows.values()) {
      row.entries.forEach(entry => entry.chart.dispose());
    }
    this._rows.clear();
    this.node.remove();
  }

  private _createRow(row: DistributionRow): Row {
    const node = el('section', 'tc-dist');
    node.dataset.name = row.dist.name;
    const title = el('div', 'tc-dist-title');
    const hints = el('div', 'tc-dist-hints-host');
    const charts = el('div', 'tc-dist-charts');
    node.append(title, hints, charts);
    return { node, title, hints, charts, entries: new Map() };
  }

  private _init(
    echarts: ECharts,
    node: HTMLElement,
    height: number
  ): EChartsType {
    // A detached, hidden or collapsed output has no size yet: lay out at a
    // fixed size rather than 0x0, and resize once it is visible.
    const sized = node.clientWidth > 0;
    return echarts.init(node, undefined, {
      renderer: 'svg',
      width: sized ? undefined : FALLBACK_WIDTH,
      height: sized ? undefined : height
    });
  }

  private readonly _body = el('div', 'tc-distributions-rows');
  private readonly _summary = el('span', 'tc-distributions-summary');
  private readonly _rows = new Map<string, Row>();
}
