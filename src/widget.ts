/**
 * The renderer widget. It only wires the parts together: validate the
 * payload, build options, and hand them to the metric charts and the
 * distributions section, which create each chart once (chartlist.ts). Later
 * `renderModel` calls (live updates re-send the whole bundle) update the same
 * charts in place, so zoom and hidden series survive.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { CompareMenu } from './compareMenu';
import { ComparisonView } from './comparisonView';
import { controlsFrom, createToolbar, Toolbar, toolbarState } from './controls';
import { ECharts, loadECharts } from './echarts';
import { ExportFormat, exportFile, renderPicture } from './export';
import { renderComparisonHeader, renderHeader } from './header';
import { KernelWatch, kernelWatchOf, liveness } from './kernels';
import { DistributionSection } from './layers';
import { MetricCharts } from './metricCharts';
import type { RunFinder } from './notebook';
import { buildCharts, chartChoices, Controls } from './options';
import { Payload, validatePayload } from './payload';
import { DEFAULT_SETTINGS, PanelSettings } from './settings';
import { readTheme } from './theme';
import { xExtent } from './zoom';

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
    this._tools = createToolbar(this._controls, {
      change: controls => {
        if (controls.xAxis !== this._controls.xAxis) {
          this._charts.resetZoom();
        }
        this._controls = controls;
        this.redraw();
      },
      export: format =>
        this._export(format).catch(error =>
          this._showError(new Error(`export failed: ${error}`))
        )
    });
    this._tools.compareSlot.append(this._compare.node);
    this.node.append(
      this._error,
      this._header,
      this._tools.node,
      this._runs.bar.node,
      this._chartsNode,
      this._runs.findings,
      this._runs.params.node,
      this._runs.table.node,
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
    this._compare.dispose();
    this._runs.dispose();
    this._kernel?.changed.disconnect(this._drawHeader, this);
    this._charts.dispose();
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
    const payload = this._shown()!;
    try {
      this._error.hidden = true;
      this._drawHeader();
      const settings = Private.state.settings;
      const theme = readTheme(document.body);
      const scene = this._runs.scene(payload, theme.runPalette);
      const choices = chartChoices(payload, this._controls);
      const specs = buildCharts(payload, {
        theme,
        controls: this._controls,
        findings: settings.diagnosis,
        maxPoints: settings.maxPoints,
        colors: scene.colors,
        // planned once a drawing: the toolbar's picker lists the same
        choices,
        sweep: scene.sweep
          ? {
              drawn: new Set(scene.drawn.map(run => run.id)),
              strong: scene.strong
            }
          : undefined,
        // Only the first drawing may animate; updates must not flicker.
        animation: settings.animation && this._charts.size === 0
      });
      this._tools.update(toolbarState(payload, this._controls, specs, choices));
      // A snapshot of layer distributions has no curves to control.
      this._tools.node.hidden = choices.length === 0;
      const lastX =
        this._controls.xAxis === 'epoch' ? xExtent(payload)[1] : null;
      let moved = this._charts.update(
        echarts,
        specs,
        settings.chartHeight,
        lastX
      );
      this._runs.chartsDrawn(echarts, specs);
      moved =
        this._runs.draw(echarts, payload, scene, theme, {
          findings: settings.diagnosis,
          height: settings.chartHeight
        }) || moved;
      if (moved) {
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

  /** What the panel shows: its own runs and those overlaid from Compare. */
  private _shown(): Payload | null {
    const own = this._payload;
    return own && { ...own, runs: [...own.runs, ...this._compare.overlays()] };
  }

  /** Export what the panel shows: all its runs, overlays included. */
  private async _export(format: ExportFormat): Promise<void> {
    const own = this._payload;
    if (!own) {
      return;
    }
    const name = own.runs.length === 1 ? own.runs[0].name : 'comparison';
    await exportFile(format, name, this._shown()!, () => {
      // The metric charts and, when its section is open, each layer's
      // distribution charts under its name.
      const layers = this._distributions.pictureParts();
      return renderPicture(
        {
          frame: [this._chartsNode],
          charts: [...this._charts.nodes, ...layers.charts],
          titles: layers.titles
        },
        readTheme(document.body)
      );
    });
  }

  private _resize(): void {
    if (!this.isVisible) {
      return;
    }
    this._charts.resize();
    this._runs.resize();
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
  private readonly _runs: ComparisonView = new ComparisonView(() =>
    this.redraw()
  );
  private readonly _charts = new MetricCharts(
    this._chartsNode,
    `traincurves-${Private.state.nextId++}`,
    () => (this._payload ? xExtent(this._payload) : [0, 0]),
    (chart, family) => this._runs.watch(chart, family)
  );
  private readonly _distributions = new DistributionSection();
  private readonly _compare = new CompareMenu({
    find: () => TrainCurvesPanel.findRuns?.(this.node) ?? null,
    own: () => this._payload?.runs ?? [],
    changed: () => this.redraw()
  });
  private readonly _tools: Toolbar;
  private readonly _observer: ResizeObserver;
  private _controls: Controls = controlsFrom(Private.state.settings);
  private _lastData: unknown = undefined;
  private _payload: Payload | null = null;
  private _echarts: ECharts | null = null;
  private _kernel: KernelWatch | null = null;
}

namespace Private {
  /** Settings shared by every panel; the plugin replaces them on change. */
  export const state = { settings: DEFAULT_SETTINGS, nextId: 0 };
  export const panels = new Set<TrainCurvesPanel>();
}
