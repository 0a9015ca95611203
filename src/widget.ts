/**
 * The renderer widget. It only wires pure functions to ECharts: validate the
 * payload, build options, and apply them to charts created once per metric
 * family. Later `renderModel` calls (live updates re-send the whole bundle)
 * update the same charts in place, so zoom and hidden series survive.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import type { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { EChartsType } from 'echarts/core';

import { runColors } from './compare';
import { ECharts, fitChart, loadECharts } from './echarts';
import { renderComparisonHeader, renderHeader, STATUS_TEXT } from './header';
import { KernelWatch, kernelWatchOf, liveness } from './kernels';
import type { RunFinder } from './notebook';
import { createToolbar, Toolbar } from './controls';
import { download, fileName, toCSV, toJSON } from './export';
import { renderFindings } from './findings';
import { DistributionSection } from './layers';
import { buildCharts, Controls } from './options';
import { xAxisProblem } from './transform';
import { Payload, RunPayload, validatePayload } from './payload';
import { renderTable, SortState } from './table';
import { DEFAULT_SETTINGS, PanelSettings } from './settings';

/** A new panel's controls start from the settings. */
function controlsFrom(settings: PanelSettings): Controls {
  return {
    smoothing: settings.smoothing,
    logY: settings.logY,
    xAxis: settings.xAxis,
    delta: false,
    batches: true
  };
}
import { readTheme } from './theme';
import { readZoom, xExtent, ZoomState, zoomAfterUpdate } from './zoom';

interface ChartEntry {
  node: HTMLDivElement;
  chart: EChartsType;
  /** Legend entries the user switched off. */
  hidden: string[];
}

/** Width used to lay out a chart while its output is detached or hidden. */
const FALLBACK_WIDTH = 600;

export class TrainCurvesPanel extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass('tc-panel');
    this._header.className = 'tc-header-host';
    this._error.className = 'tc-error';
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    this._chartsNode.className = 'tc-charts';
    this._tableNode.className = 'tc-table-host';
    this.node.append(
      this._error,
      this._header,
      this._toolbar(),
      this._chartsNode,
      this._findingsNode,
      this._tableNode,
      this._distributions.node
    );
    this._observer = new ResizeObserver(() => this._resize());
    Private.panels.add(this);
  }

  /** Apply new settings to every open panel. */
  static configure(settings: PanelSettings): void {
    Private.state.settings = settings;
    Private.panels.forEach(panel => panel.redraw());
  }

  /** How panels find the other runs of their notebook (set by the plugin). */
  static findRuns: RunFinder | null = null;

  /** Re-read theme colours in every open panel. */
  static refreshTheme(): void {
    Private.panels.forEach(panel => panel.redraw());
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType];
    if (data === this._lastData) {
      return;
    }
    this._lastData = data;
    let payload: Payload;
    try {
      payload = validatePayload(data);
    } catch (error) {
      this._showError(error);
      return;
    }
    const echarts = await loadECharts();
    if (this.isDisposed) {
      return;
    }
    this._echarts = echarts;
    this._payload = payload;
    this._draw();
  }

  /** Draw the current payload again (settings or theme changed). */
  redraw(): void {
    if (this._payload && this._echarts) {
      this._draw();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._observer.disconnect();
    this._watchNotebook(false);
    this._kernel?.changed.disconnect(this._drawHeader, this);
    this._charts.forEach(entry => entry.chart.dispose());
    this._charts.clear();
    this._distributions.dispose();
    Private.panels.delete(this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._observer.observe(this.node);
    this._resize();
    if (!this._kernel) {
      this._drawHeader();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this._observer.unobserve(this.node);
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._resize();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._resize();
  }

  private _draw(): void {
    const echarts = this._echarts!;
    const own = this._payload!;
    const payload = { ...own, runs: [...own.runs, ...this._overlays()] };
    try {
      this._error.hidden = true;
      this._drawHeader();
      const settings = Private.state.settings;
      const theme = readTheme(document.body);
      this._drawTable(payload, theme.runPalette);
      const specs = buildCharts(payload, {
        theme,
        controls: this._controls,
        findings: settings.diagnosis,
        maxPoints: settings.maxPoints,
        // Only the first drawing may animate; updates must not flicker.
        animation: settings.animation && this._charts.size === 0
      });
      this._tools?.update({
        controls: this._controls,
        logProblem: specs.find(spec => spec.logProblem)?.logProblem ?? null,
        xProblems: {
          epoch: null,
          step: xAxisProblem(payload.runs, 'step'),
          time: xAxisProblem(payload.runs, 'time')
        },
        hasBatches: payload.runs.some(run => run.batches !== null)
      });
      // A snapshot of layer distributions has no curves to control.
      if (this._tools) {
        this._tools.node.hidden = specs.length === 0;
      }
      const findings = settings.diagnosis
        ? renderFindings(payload.runs, payload.runs.length > 1)
        : null;
      this._findingsNode.replaceChildren(...(findings ? [findings] : []));
      const window =
        this._controls.xAxis === 'epoch'
          ? zoomAfterUpdate(this._zoom, xExtent(payload)[1])
          : null;
      const seen = new Set<string>();
      // Reading sizes forces a layout: only do it when the layout changed.
      let layoutChanged = false;
      // Every new chart's box exists before any chart is drawn, so none is
      // drawn at a width it loses as soon as its neighbour appears.
      const fresh = new Map<string, HTMLDivElement>();
      for (const spec of specs) {
        if (!this._charts.has(spec.family)) {
          const node = document.createElement('div');
          node.className = 'tc-chart';
          node.dataset.family = spec.family;
          node.style.height = `${settings.chartHeight}px`;
          this._chartsNode.append(node);
          fresh.set(spec.family, node);
        }
      }
      let order = 0;
      for (const spec of specs) {
        seen.add(spec.family);
        if (window && Array.isArray(spec.option.dataZoom)) {
          spec.option.dataZoom = spec.option.dataZoom.map(zoom => ({
            ...zoom,
            ...window
          }));
        }
        let entry = this._charts.get(spec.family);
        if (!entry) {
          entry = this._createChart(
            echarts,
            spec.family,
            fresh.get(spec.family)!
          );
          layoutChanged = true;
        }
        const height = `${settings.chartHeight}px`;
        if (entry.node.style.height !== height) {
          entry.node.style.height = height;
          layoutChanged = true;
        }
        entry.chart.setOption(spec.option, { replaceMerge: ['series'] });
        this._showViewState(entry);
        if (this._chartsNode.children[order] !== entry.node) {
          this._chartsNode.insertBefore(
            entry.node,
            this._chartsNode.children[order] ?? null
          );
        }
        order++;
      }
      for (const [family, entry] of this._charts) {
        if (!seen.has(family)) {
          entry.chart.dispose();
          entry.node.remove();
          this._charts.delete(family);
          layoutChanged = true;
        }
      }
      if (layoutChanged) {
        this._resize();
      }
      this._distributions.update(echarts, payload.runs, theme, {
        // Two charts a layer, several layers: shorter than the metric charts.
        height: Math.round(settings.chartHeight * 0.8),
        animate: settings.animation
      });
    } catch (error) {
      this._showError(error);
    }
  }

  /**
   * The header, with whether the kernel that produced a running run can
   * still update it: redrawn when that kernel restarts or stops.
   */
  private _drawHeader(): void {
    const own = this._payload;
    if (!own) {
      return;
    }
    if (!this._kernel) {
      // Known once the output is in its notebook or console.
      this._kernel = kernelWatchOf(this);
      this._kernel?.changed.connect(this._drawHeader, this);
    }
    const live = liveness(own.kernel, this._kernel);
    this._header.replaceChildren(
      own.runs.length === 1
        ? renderHeader(own.runs[0], live)
        : renderComparisonHeader(own.runs, live)
    );
  }

  /** Runs of other outputs picked in the Compare menu, freshest data. */
  private _overlays(): RunPayload[] {
    if (this._overlayIds.size === 0) {
      return [];
    }
    const found = TrainCurvesPanel.findRuns?.(this.node)?.runs ?? [];
    for (const run of found) {
      if (this._overlayIds.has(run.id)) {
        this._overlayRuns.set(run.id, run);
      }
    }
    const own = new Set(this._payload?.runs.map(run => run.id));
    return [...this._overlayIds]
      .filter(id => !own.has(id))
      .map(id => this._overlayRuns.get(id))
      .filter((run): run is RunPayload => run !== undefined);
  }

  /** Export what the panel shows: all its runs, overlays included. */
  private async _export(format: 'png' | 'csv' | 'json'): Promise<void> {
    const own = this._payload;
    if (!own) {
      return;
    }
    const payload = { ...own, runs: [...own.runs, ...this._overlays()] };
    const name = own.runs.length === 1 ? own.runs[0].name : 'comparison';
    if (format === 'csv') {
      download(
        fileName(name, 'csv'),
        new Blob([toCSV(payload)], { type: 'text/csv' })
      );
    } else if (format === 'json') {
      download(
        fileName(name, 'json'),
        new Blob([toJSON(payload)], { type: 'application/json' })
      );
    } else {
      const blob = await this._picture();
      if (blob) {
        download(fileName(name, 'png'), blob);
      }
    }
  }

  /**
   * The charts as one PNG, on the theme's background: the metric charts and,
   * when its section is open, each layer's distribution charts under its name.
   */
  private async _picture(): Promise<Blob | null> {
    const theme = readTheme(document.body);
    const section = this._distributions.node;
    const layers =
      section.open && section.isConnected
        ? [...section.querySelectorAll<HTMLElement>('.tc-dist')]
        : [];
    const nodes = [
      ...[...this._charts.values()].map(chart => chart.node),
      ...layers.flatMap(row => [
        ...row.querySelectorAll<HTMLElement>('.tc-dist-chart')
      ])
    ];
    const names = layers.flatMap(row => [
      ...row.querySelectorAll<HTMLElement>('.tc-dist-title')
    ]);
    // Hidden parts (a collapsed row, no charts yet) have empty boxes.
    const boxes = [this._chartsNode, ...nodes, ...names]
      .map(node => node.getBoundingClientRect())
      .filter(box => box.width > 0 && box.height > 0);
    if (boxes.length === 0) {
      return null;
    }
    const left = Math.min(...boxes.map(b => b.left));
    const top = Math.min(...boxes.map(b => b.top));
    const width = Math.max(...boxes.map(b => b.right)) - left;
    const height = Math.max(...boxes.map(b => b.bottom)) - top;
    const scale = window.devicePixelRatio || 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext('2d')!;
    context.fillStyle = theme.background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    for (const node of nodes) {
      // The chart's SVG as drawn, as a same-origin blob: drawing it keeps
      // the canvas exportable (ECharts' own SVG string does not decode).
      const drawn = node.querySelector('svg');
      if (!drawn) {
        continue;
      }
      const svg = new Blob([new XMLSerializer().serializeToString(drawn)], {
        type: 'image/svg+xml'
      });
      const url = URL.createObjectURL(svg);
      const image = new Image();
      image.src = url;
      const decoded = await image.decode().then(
        () => true,
        () => false // one chart that will not decode costs only itself
      );
      URL.revokeObjectURL(url);
      const r = node.getBoundingClientRect();
      if (!decoded || r.width === 0 || r.height === 0) {
        continue;
      }
      context.drawImage(
        image,
        (r.left - left) * scale,
        (r.top - top) * scale,
        r.width * scale,
        r.height * scale
      );
    }
    // A layer's name (HTML above its charts) as text on the canvas.
    context.fillStyle = theme.text;
    context.textBaseline = 'middle';
    context.font = `${Math.round(12 * scale)}px sans-serif`;
    for (const name of names) {
      const r = name.getBoundingClientRect();
      // name, kind badge and facts are separate elements: keep them apart
      const text = [...name.children]
        .map(part => part.textContent?.trim())
        .filter(Boolean)
        .join('   ');
      context.fillText(
        text || (name.textContent ?? ''),
        (r.left - left) * scale,
        (r.top + r.height / 2 - top) * scale
      );
    }
    return new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
  }

  private _drawTable(payload: Payload, palette: string[]): void {
    if (payload.runs.length < 2) {
      this._tableNode.replaceChildren();
      return;
    }
    const colors = runColors(payload.runs, palette);
    this._tableNode.replaceChildren(
      renderTable(payload, colors, this._sort, key => {
        this._sort =
          this._sort?.key === key
            ? { key, descending: !this._sort.descending }
            : { key, descending: false };
        this._drawTable(payload, palette);
      })
    );
  }

  /** The Compare menu: other runs of this notebook, overlaid when picked. */
  private _toolbar(): HTMLElement {
    this._tools = createToolbar(this._controls, {
      change: controls => {
        if (controls.xAxis !== this._controls.xAxis) {
          this._zoom = null; // a window in epochs means nothing in seconds
        }
        this._controls = controls;
        this.redraw();
      },
      export: format =>
        this._export(format).catch(error =>
          this._showError(new Error(`export failed: ${error}`))
        )
    });
    const menu = document.createElement('details');
    menu.className = 'tc-menu tc-compare';
    const summary = document.createElement('summary');
    summary.textContent = 'Compare';
    summary.title = 'Overlay other training runs shown in this notebook';
    const list = document.createElement('div');
    list.className = 'tc-menu-list tc-compare-list';
    menu.append(summary, list);
    menu.addEventListener('toggle', () => {
      if (menu.open) {
        this._fillCompareList(list);
      }
    });
    this._tools.compareSlot.append(menu);
    return this._tools.node;
  }

  private _fillCompareList(list: HTMLElement): void {
    const own = new Set(this._payload?.runs.map(run => run.id));
    const found = TrainCurvesPanel.findRuns?.(this.node);
    const others = (found?.runs ?? []).filter(run => !own.has(run.id));
    if (others.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'tc-compare-empty';
      empty.textContent = found
        ? 'No other traincurves runs in this notebook.'
        : 'Other runs are listed when the panel is in a notebook.';
      list.replaceChildren(empty);
      return;
    }
    list.replaceChildren(
      ...others.map(run => {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.checked = this._overlayIds.has(run.id);
        box.addEventListener('change', () => {
          if (box.checked) {
            this._overlayIds.add(run.id);
            this._overlayRuns.set(run.id, run);
          } else {
            this._overlayIds.delete(run.id);
          }
          this._watchNotebook(this._overlayIds.size > 0);
          this.redraw();
        });
        const name = document.createElement('span');
        name.className = 'tc-compare-name';
        name.textContent = run.name;
        const detail = document.createElement('span');
        detail.className = 'tc-compare-detail';
        detail.textContent = `${STATUS_TEXT[run.status]}, ${run.epochCount} epochs`;
        label.append(box, name, detail);
        return label;
      })
    );
  }

  /** While runs are overlaid, follow their outputs as they change. */
  private _watchNotebook(on: boolean): void {
    const signal = on ? TrainCurvesPanel.findRuns?.(this.node)?.changed : null;
    if (this._watched === signal) {
      return;
    }
    this._watched?.disconnect(this._onNotebookChanged, this);
    this._watched = signal ?? null;
    this._watched?.connect(this._onNotebookChanged, this);
  }

  private _onNotebookChanged(): void {
    if (this._redrawQueued) {
      return;
    }
    this._redrawQueued = true;
    requestAnimationFrame(() => {
      this._redrawQueued = false;
      this.redraw();
    });
  }

  private _createChart(
    echarts: ECharts,
    family: string,
    node: HTMLDivElement
  ): ChartEntry {
    // A detached or windowed-out output has no size yet: lay out at a fixed
    // size rather than 0x0, and resize once it is visible.
    const sized = node.clientWidth > 0;
    const chart = echarts.init(node, undefined, {
      renderer: 'svg',
      width: sized ? undefined : FALLBACK_WIDTH,
      height: sized ? undefined : Private.state.settings.chartHeight
    });
    chart.group = this._group;
    echarts.connect(this._group);
    const entry: ChartEntry = { node, chart, hidden: [] };
    // The events carry the new state: no getOption(), which copies all data.
    chart.on('datazoom', (event: unknown) => {
      const e = event as { batch?: unknown[] };
      this._zoom = readZoom([e.batch?.[0] ?? e], this._extent());
      this._charts.forEach(other => this._showViewState(other));
    });
    chart.on('legendselectchanged', (event: unknown) => {
      const selected = (event as { selected?: Record<string, boolean> })
        .selected;
      entry.hidden = Object.entries(selected ?? {})
        .filter(([, shown]) => !shown)
        .map(([name]) => name);
      this._showViewState(entry);
    });
    this._charts.set(family, entry);
    return entry;
  }

  /**
   * The view state (x window, hidden curves) mirrored on the chart node, for
   * people and tests inspecting the page.
   */
  private _showViewState({ node, hidden }: ChartEntry): void {
    if (hidden.length > 0) {
      node.dataset.hidden = JSON.stringify(hidden);
    } else {
      delete node.dataset.hidden;
    }
    const zoom = this._zoom;
    if (zoom && (zoom.start > 0 || zoom.end < 100)) {
      node.dataset.zoom = `${zoom.startValue.toFixed(2)}-${zoom.endValue.toFixed(2)}`;
    } else {
      delete node.dataset.zoom;
    }
  }

  private _extent(): [number, number] {
    return this._payload ? xExtent(this._payload) : [0, 0];
  }

  private _resize(): void {
    if (!this.isVisible) {
      return;
    }
    for (const { node, chart } of this._charts.values()) {
      fitChart(node, chart);
    }
    this._distributions.resize();
  }

  private _showError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this._error.textContent = `traincurves cannot show this output: ${message}`;
    this._error.hidden = false;
  }

  private readonly _mimeType: string;
  private readonly _header = document.createElement('div');
  private readonly _error = document.createElement('div');
  private readonly _chartsNode = document.createElement('div');
  private readonly _charts = new Map<string, ChartEntry>();
  private readonly _observer: ResizeObserver;
  private readonly _group = `traincurves-${Private.state.nextId++}`;
  private _lastData: unknown = undefined;
  private _payload: Payload | null = null;
  private _zoom: ZoomState | null = null;
  private readonly _tableNode = document.createElement('div');
  private readonly _findingsNode = document.createElement('div');
  private readonly _distributions = new DistributionSection();
  private _controls: Controls = controlsFrom(Private.state.settings);
  private _tools: Toolbar | null = null;
  private _sort: SortState | null = null;
  private readonly _overlayIds = new Set<string>();
  private readonly _overlayRuns = new Map<string, RunPayload>();
  private _watched: ISignal<unknown, void> | null = null;
  private _redrawQueued = false;
  private _echarts: ECharts | null = null;
  private _kernel: KernelWatch | null = null;
}

namespace Private {
  /** Settings shared by every panel; the plugin replaces them on change. */
  export const state = { settings: DEFAULT_SETTINGS, nextId: 0 };
  export const panels = new Set<TrainCurvesPanel>();
}
