/**
 * A keyed list of ECharts charts in one host element: the metric charts of a
 * panel, the charts of a layer's row. A chart is created once for its key and
 * updated in place with `setOption`, so what the user did to it (zoom, hidden
 * legend entries) survives updates; charts whose key is gone are disposed.
 */

import type { EChartsOption } from 'echarts';
import type { EChartsType } from 'echarts/core';

import { fitChart, type ECharts } from './echarts';

/**
 * Width a chart is laid out at while its box has none (a detached, hidden,
 * collapsed or windowed-out output): never 0x0. It is fitted once visible.
 */
export const FALLBACK_WIDTH = 600;

export interface ChartListOptions {
  /** Class of each chart's box. */
  className: string;
  /** The data attribute that carries a chart's key: `family` → data-family. */
  keyAttribute: string;
  /** Option components an update replaces rather than merges into. */
  replaceMerge: string[];
  /** Charts of one group move together (zoom, tooltip). */
  group?: string;
  /** Wires a new chart (its events) once, when it is created. */
  onCreate?: (chart: EChartsType, node: HTMLElement) => void;
}

/** One chart to show: its key and its whole option. */
export interface KeyedOption {
  key: string;
  option: EChartsOption;
}

interface Entry {
  node: HTMLElement;
  chart: EChartsType;
}

export class ChartList {
  constructor(host: HTMLElement, options: ChartListOptions) {
    this._host = host;
    this._options = options;
  }

  get size(): number {
    return this._entries.size;
  }

  /** The charts' boxes, in order. */
  get nodes(): HTMLElement[] {
    return [...this._entries.values()].map(entry => entry.node);
  }

  /** The chart instances, in order. */
  get charts(): EChartsType[] {
    return [...this._entries.values()].map(entry => entry.chart);
  }

  has(key: string): boolean {
    return this._entries.has(key);
  }

  /**
   * Show exactly `charts`, in their order, each `height` pixels high:
   * creating the missing ones, disposing those no longer listed. True when
   * the layout changed: the owner then resizes, if it is visible.
   */
  update(echarts: ECharts, charts: KeyedOption[], height: number): boolean {
    const keys = new Set(charts.map(chart => chart.key));
    // Reading sizes forces a layout: only resize when the layout changed.
    let changed = false;
    for (const [key, entry] of this._entries) {
      if (!keys.has(key)) {
        entry.chart.dispose();
        entry.node.remove();
        this._entries.delete(key);
        changed = true;
      }
    }
    // Every box is in place before any chart is drawn, so none is drawn at a
    // width it loses as soon as its neighbour appears or goes.
    const px = `${height}px`;
    const nodes = charts.map(({ key }, order) => {
      let node = this._entries.get(key)?.node;
      if (!node) {
        node = document.createElement('div');
        node.className = this._options.className;
        node.dataset[this._options.keyAttribute] = key;
      }
      if (node.style.height !== px) {
        node.style.height = px;
        changed = true;
      }
      if (this._host.children[order] !== node) {
        this._host.insertBefore(node, this._host.children[order] ?? null);
      }
      return node;
    });
    charts.forEach(({ key, option }, i) => {
      let entry = this._entries.get(key);
      if (!entry) {
        entry = {
          node: nodes[i],
          chart: this._init(echarts, nodes[i], height)
        };
        this._entries.set(key, entry);
      }
      entry.chart.setOption(option, {
        replaceMerge: this._options.replaceMerge
      });
    });
    this._entries = new Map(
      charts.map(({ key }) => [key, this._entries.get(key)!])
    );
    return changed;
  }

  /** Fit every chart to its box; a box with no size (hidden) is left as is. */
  resize(): void {
    for (const { node, chart } of this._entries.values()) {
      fitChart(node, chart);
    }
  }

  dispose(): void {
    for (const { node, chart } of this._entries.values()) {
      chart.dispose();
      node.remove();
    }
    this._entries.clear();
  }

  private _init(
    echarts: ECharts,
    node: HTMLElement,
    height: number
  ): EChartsType {
    const sized = node.clientWidth > 0;
    const chart = echarts.init(node, undefined, {
      renderer: 'svg',
      width: sized ? undefined : FALLBACK_WIDTH,
      height: sized ? undefined : height
    });
    const { group, onCreate } = this._options;
    if (group) {
      chart.group = group;
      echarts.connect(group);
    }
    onCreate?.(chart, node);
    return chart;
  }

  private readonly _host: HTMLElement;
  private readonly _options: ChartListOptions;
  private _entries = new Map<string, Entry>();
}
