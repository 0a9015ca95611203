/**
 * The renderer widget. It only wires pure functions to ECharts: validate the
 * payload, build options, and apply them to charts created once per metric
 * family. Later `renderModel` calls (live updates re-send the whole bundle)
 * update the same charts in place, so zoom and hidden series survive.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { EChartsType } from 'echarts/core';

import { ECharts, loadECharts } from './echarts';
import { renderHeader } from './header';
import { buildCharts } from './options';
import { Payload, validatePayload } from './payload';
import { DEFAULT_SETTINGS, PanelSettings } from './settings';
import { readTheme } from './theme';
import { readZoom, xExtent, ZoomState, zoomAfterUpdate } from './zoom';

interface ChartEntry {
  node: HTMLDivElement;
  chart: EChartsType;
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
    this.node.append(this._error, this._header, this._chartsNode);
    this._observer = new ResizeObserver(() => this._resize());
    Private.panels.add(this);
  }

  /** Apply new settings to every open panel. */
  static configure(settings: PanelSettings): void {
    Private.state.settings = settings;
    Private.panels.forEach(panel => panel.redraw());
  }

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
    this._charts.forEach(entry => entry.chart.dispose());
    this._charts.clear();
    Private.panels.delete(this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._observer.observe(this.node);
    this._resize();
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
    const payload = this._payload!;
    try {
      this._error.hidden = true;
      this._header.replaceChildren(...payload.runs.map(renderHeader));
      const settings = Private.state.settings;
      const specs = buildCharts(payload, {
        theme: readTheme(document.body),
        // Only the first drawing may animate; updates must not flicker.
        animation: settings.animation && this._charts.size === 0
      });
      const window = zoomAfterUpdate(this._zoom, xExtent(payload)[1]);
      const seen = new Set<string>();
      // Reading sizes forces a layout: only do it when the layout changed.
      let layoutChanged = false;
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
          entry = this._createChart(echarts, spec.family);
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
    } catch (error) {
      this._showError(error);
    }
  }

  private _createChart(echarts: ECharts, family: string): ChartEntry {
    const node = document.createElement('div');
    node.className = 'tc-chart';
    node.dataset.family = family;
    node.style.height = `${Private.state.settings.chartHeight}px`;
    this._chartsNode.append(node);
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
    const entry = { node, chart };
    chart.on('datazoom', () => {
      this._zoom = readZoom(chart.getOption().dataZoom, this._extent());
      this._showViewState(entry);
    });
    chart.on('legendselectchanged', () => this._showViewState(entry));
    this._charts.set(family, entry);
    return entry;
  }

  /**
   * The view state ECharts holds (x window, hidden curves) mirrored on the
   * chart node, for people and tests inspecting the page.
   */
  private _showViewState({ node, chart }: ChartEntry): void {
    const option = chart.getOption();
    const legend = (Array.isArray(option.legend) ? option.legend[0] : {}) as {
      selected?: Record<string, boolean>;
    };
    const hidden = Object.entries(legend.selected ?? {})
      .filter(([, shown]) => !shown)
      .map(([name]) => name);
    if (hidden.length > 0) {
      node.dataset.hidden = JSON.stringify(hidden);
    } else {
      delete node.dataset.hidden;
    }
    const zoom = readZoom(option.dataZoom, this._extent());
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
      const width = node.clientWidth;
      const height = node.clientHeight;
      if (
        width > 0 &&
        height > 0 &&
        (width !== chart.getWidth() || height !== chart.getHeight())
      ) {
        chart.resize({ width: 'auto', height: 'auto' });
      }
    }
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
  private _echarts: ECharts | null = null;
}

namespace Private {
  /** Settings shared by every panel; the plugin replaces them on change. */
  export const state = { settings: DEFAULT_SETTINGS, nextId: 0 };
  export const panels = new Set<TrainCurvesPanel>();
}
