/**
 * Browser side of bench/render.mjs: renders a payload with the real panel and
 * times it until the charts are painted. Bundled by esbuild into one IIFE, so
 * ECharts is still evaluated lazily on the first render, as in JupyterLab
 * (minus the chunk download).
 */

import { Widget } from '@lumino/widgets';
import type { EChartsType } from 'echarts/core';

import { loadECharts } from '../src/echarts';
import { buildCharts } from '../src/options';
import { MIME_TYPE, Payload, validatePayload } from '../src/payload';
import { DEFAULT_SETTINGS } from '../src/settings';
import { readTheme } from '../src/theme';
import { TrainCurvesPanel } from '../src/widget';

/** How long a chart may take to report 'finished' before we call it hung. */
const TIMEOUT_MS = 60_000;

/** 'finished' promises of charts created since the last renderOnce started. */
let created: Promise<void>[] = [];
let hooked: Promise<void> | null = null;

/**
 * ECharts fires 'finished' synchronously inside setOption when nothing
 * animates, i.e. before renderModel resolves and before we could look the
 * chart up. A post-init hook subscribes each chart as it is created instead.
 * It is registered from loadECharts() itself so that the cold render still
 * pays for evaluating ECharts inside the timed span.
 */
function hookECharts(): Promise<void> {
  hooked ??= loadECharts().then(echarts =>
    echarts.registerPostInit(chart => {
      created.push(finished(chart));
    })
  );
  return hooked;
}

function finished(chart: EChartsType): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('chart never fired "finished"')),
      TIMEOUT_MS
    );
    const done = () => {
      clearTimeout(timer);
      chart.off('finished', done);
      resolve();
    };
    chart.on('finished', done);
  });
}

const frame = () => new Promise(resolve => requestAnimationFrame(resolve));

function model(payload: unknown) {
  return {
    data: { [MIME_TYPE]: payload },
    metadata: {},
    trusted: true,
    setData() {}
  } as any;
}

export function newPanel(): TrainCurvesPanel {
  const panel = new TrainCurvesPanel({
    mimeType: MIME_TYPE,
    sanitizer: { sanitize: (html: string) => html },
    resolver: null,
    linkHandler: null,
    latexTypesetter: null
  } as any);
  Widget.attach(panel, document.body);
  return panel;
}

/**
 * renderModel(payload) until painted: the promise resolved, every chart
 * (new or updated) fired 'finished', then one animation frame.
 */
export async function timedRender(
  panel: TrainCurvesPanel,
  payload: unknown
): Promise<number> {
  const start = performance.now();
  const hook = hookECharts();
  created = [];
  // Charts that already exist are updated in place: subscribe them now.
  const echarts = panel.node.querySelector('.tc-chart')
    ? await loadECharts()
    : null;
  const updated = [...panel.node.querySelectorAll<HTMLElement>('.tc-chart')]
    .map(node => echarts!.getInstanceByDom(node))
    .filter((chart): chart is EChartsType => chart !== undefined)
    .map(finished);
  await hook;
  await panel.renderModel(model(payload));
  const charts = [...updated, ...created];
  if (charts.length === 0) {
    throw new Error(
      panel.node.querySelector('.tc-error')?.textContent || 'no chart drawn'
    );
  }
  await Promise.all(charts);
  await frame();
  return performance.now() - start;
}

interface Options {
  /** The panel setting; on, the first drawing waits for the entrance animation. */
  animation?: boolean;
}

export function configure(options: Options): void {
  TrainCurvesPanel.configure({
    ...DEFAULT_SETTINGS,
    animation: options.animation ?? false
  });
}

/** Milliseconds from renderModel to painted, in a new attached panel. */
async function renderOnce(
  payload: unknown,
  options: Options = {}
): Promise<number> {
  configure(options);
  const panel = newPanel();
  try {
    return await timedRender(panel, payload);
  } finally {
    panel.dispose();
  }
}

/** Milliseconds for a live update: `next` re-sent to a panel showing `first`. */
async function updateOnce(first: unknown, next: unknown): Promise<number> {
  configure({});
  const panel = newPanel();
  try {
    await timedRender(panel, first);
    return await timedRender(panel, next);
  } finally {
    panel.dispose();
  }
}

/** The renderer's own pure steps, timed alone, to see where the time goes. */
function phases(payload: unknown): { validate: number; options: number } {
  const t0 = performance.now();
  const valid: Payload = validatePayload(payload);
  const t1 = performance.now();
  buildCharts(valid, { theme: readTheme(document.body), animation: false });
  return { validate: t1 - t0, options: performance.now() - t1 };
}

/**
 * Milliseconds for a zoom: after rendering `payload`, zoom the first chart to
 * 40-60 % (its connected neighbours follow) until every chart repainted.
 */
async function zoomOnce(payload: unknown): Promise<number> {
  configure({});
  const panel = newPanel();
  try {
    await timedRender(panel, payload);
    const echarts = await loadECharts();
    const charts = [...panel.node.querySelectorAll<HTMLElement>('.tc-chart')]
      .map(node => echarts.getInstanceByDom(node))
      .filter((chart): chart is EChartsType => chart !== undefined);
    const start = performance.now();
    const done = Promise.all(charts.map(finished));
    charts[0].dispatchAction({ type: 'dataZoom', start: 40, end: 60 });
    await done;
    await frame();
    return performance.now() - start;
  } finally {
    panel.dispose();
  }
}

Object.assign(window, { renderOnce, updateOnce, phases, zoomOnce });
