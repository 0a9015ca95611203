/**
 * Pure ECharts option building: one chart per metric family, train and
 * validation curves of a metric together, best epochs and NaN/inf marked.
 */

import type { EChartsOption, LineSeriesOption } from 'echarts';

import { legendLabel, runColors } from './compare';
import { formatEpoch, formatValue } from './format';
import { planCharts } from './metrics';
import type { ChartPlan, Payload, RunPayload, Split } from './payload';
import type { XAxisMode } from './settings';
import type { Theme } from './theme';
import { faintLines, FAINT, strongStyle, TracedCurve } from './sweepSeries';
import { formatTooltip, TooltipItem } from './tooltip';
import { delta, logProblem, Points, smooth, xOf } from './transform';

export interface ChartSpec {
  /** The family shown, e.g. `loss`; also the chart's key across updates. */
  family: string;
  option: EChartsOption;
  /** Why a log y axis cannot show this chart, or null. */
  logProblem?: string | null;
  /** A sweep's drawn curves, for finding and drawing the hovered run. */
  traced?: TracedCurve[];
}

export interface BuildOptions {
  theme: Theme;
  animation: boolean;
  /** Shade the findings of the diagnosis (a setting). */
  findings?: boolean;
  controls?: Controls;
  /** Points per series before ECharts samples the line. */
  maxPoints?: number;
  /** Each run's colour, when the panel chose them; else its stable one. */
  colors?: Map<string, string>;
  /** A comparison of many runs: which are drawn, and which strongly. */
  sweep?: SweepLook;
  /** The panel's charts as `chartChoices` made them, when the caller has. */
  choices?: ChartChoices;
}

type ChartChoices = { plan: ChartPlan; visible: boolean }[];

/** How a sweep's curves are drawn (sweep.ts decides the sets). */
export interface SweepLook {
  /** Runs drawn at all: the others are filtered out or unticked. */
  drawn: Set<string>;
  /** The best k: full colour, best values labelled, in the tooltip. */
  strong: Set<string>;
}

/** The panel's analysis controls: view state, never data. */
export interface Controls {
  /** Debiased EMA weight, 0 = raw. */
  smoothing: number;
  logY: boolean;
  xAxis: XAxisMode;
  /** Per-epoch change instead of the value. */
  delta: boolean;
  /** Batch-level curves shown. */
  batches: boolean;
  /** Charts the user showed (true) or hid (false) with the chart picker. */
  charts: Record<string, boolean>;
}

export const RAW: Controls = {
  smoothing: 0,
  logY: false,
  xAxis: 'epoch',
  delta: false,
  batches: true,
  charts: {}
};

/** The panel's charts, each with whether it is drawn now. */
export function chartChoices(
  payload: Payload,
  controls: Controls
): ChartChoices {
  return planCharts(payload.charts, payload.runs, payload.view.metrics).map(
    plan => ({ plan, visible: controls.charts[plan.family] ?? plan.shown })
  );
}

/** The x of a shown epoch number under the chosen x axis. */
function epochX(
  run: RunPayload,
  epoch: number,
  mode: XAxisMode
): number | null {
  return xOf(run, epoch, run.epochs.indexOf(epoch), mode);
}

/**
 * Points of one metric after the controls: [x, y]. Epochs where the metric
 * was not logged (validation every k epochs) are left out so the line joins
 * its neighbours; NaN/inf stay as null so the line breaks there. `raw` is
 * before smoothing (drawn faint behind `shown`), both after delta and x axis.
 */
export function curve(
  run: RunPayload,
  metric: string,
  controls: Controls
): { raw: Points; shown: Points } {
  const values = run.metrics[metric];
  const bad = new Set((run.nonfinite[metric] ?? []).map(([epoch]) => epoch));
  const rows = run.epochs
    .map((epoch, i) => i)
    .filter(i => values[i] !== null || bad.has(run.epochs[i]));
  let ys = rows.map(i => values[i]);
  if (controls.delta) {
    ys = delta(ys);
  }
  const xs = rows.map(i => xOf(run, run.epochs[i], i, controls.xAxis));
  const pair = (y: (number | null)[]): Points =>
    xs
      .map((x, k): [number | null, number | null] => [x, y[k]])
      .filter((p): p is [number, number | null] => p[0] !== null);
  const raw = pair(ys);
  return {
    raw,
    shown: controls.smoothing > 0 ? pair(smooth(ys, controls.smoothing)) : raw
  };
}

/** A series id that is unique across runs and stable across updates. */
export function seriesId(run: RunPayload, metric: string): string {
  return `${run.id}\u0000${metric}`;
}

/** How one run's curves look on one chart. */
interface Look {
  /** Legend name: the metric for one run; the run and its best otherwise. */
  name: (metric: string) => string;
  color: (metric: string) => string;
}

/** Which data a run's metric was measured on, as the payload places it. */
function splitIn(run: RunPayload, metric: string): Split {
  return run.placed[metric]?.split ?? 'train';
}

/** One run's curve: its own colour (a group member's), else its split's. */
function colorBySplit(run: RunPayload, metric: string, theme: Theme): string {
  const own = run.placed[metric]?.color;
  if (own) {
    return own;
  }
  const split = splitIn(run, metric);
  return split === 'validation'
    ? theme.validation
    : split === 'test'
      ? theme.test
      : theme.train;
}

/**
 * One run: a colour per split, a legend entry per metric. Several runs: a
 * colour per run (validation dashed), one legend entry per run and chart.
 */
function lookFor(
  run: RunPayload,
  family: string[],
  payload: Payload,
  colors: Map<string, string>,
  theme: Theme
): Look {
  if (payload.runs.length === 1) {
    return {
      name: metric => metric,
      color: metric => colorBySplit(run, metric, theme)
    };
  }
  const label = legendLabel(run, family);
  const color = colors.get(run.id)!;
  return { name: () => label, color: () => color };
}

/** The text naming a curve in tooltips: metric, with the run when several. */
export function curveLabels(payload: Payload): Map<string, string> {
  const labels = new Map<string, string>();
  for (const run of payload.runs) {
    const names = new Set([
      ...Object.keys(run.metrics),
      ...Object.keys(run.batches?.metrics ?? {})
    ]);
    for (const metric of names) {
      const label =
        payload.runs.length > 1 ? `${run.name} · ${metric}` : metric;
      labels.set(seriesId(run, metric), label);
      labels.set(`${seriesId(run, metric)}\u0000batch`, `${label} (batch)`);
    }
  }
  return labels;
}

/** Epochs where a run of non-finite values starts: one marker per episode. */
export function nonfiniteStarts(
  entries: [number, string][]
): [number, string][] {
  const starts: [number, string][] = [];
  let previous = -Infinity;
  for (const [epoch, kind] of entries) {
    if (epoch !== previous + 1) {
      starts.push([epoch, kind]);
    }
    previous = epoch;
  }
  return starts;
}

/**
 * Points as ECharts reads them fastest: a flat Float64Array of x, y pairs
 * (NaN for a gap), which it uses without copying or checking each point.
 */
export function packPoints(points: [number, number | null][]): Float64Array {
  const packed = new Float64Array(points.length * 2);
  points.forEach(([x, y], i) => {
    packed[2 * i] = x;
    packed[2 * i + 1] = y ?? NaN;
  });
  return packed;
}

function nearRightEdge(run: RunPayload, epoch: number): boolean {
  const first = run.epochs[0];
  const last = run.epochs[run.epochs.length - 1];
  return last > first && (epoch - first) / (last - first) > 0.8;
}

function lineSeries(
  run: RunPayload,
  metric: string,
  look: Look,
  theme: Theme,
  controls: Controls,
  points: Points
): LineSeriesOption {
  const color = look.color(metric);
  const validation = splitIn(run, metric) === 'validation';
  // A group's members share a chart by the dozen: no dots, no best labels.
  const member = (run.placed[metric]?.member ?? null) !== null;
  const best = run.best[metric];
  const bestX = best ? epochX(run, best.epoch, controls.xAxis) : null;
  const bad = (run.nonfinite[metric] ?? [])
    .map(([epoch, kind]) => [epochX(run, epoch, controls.xAxis), epoch, kind])
    .filter(([x]) => x !== null) as [number, number, string][];
  return {
    type: 'line',
    id: seriesId(run, metric),
    name: look.name(metric),
    data: packPoints(points) as unknown as number[],
    dimensions: ['x', 'y'],
    connectNulls: false,
    showSymbol: points.length <= 40 && !member,
    symbolSize: 5,
    sampling: 'lttb',
    color,
    lineStyle: {
      width: member ? 1.5 : 2,
      type: validation ? 'dashed' : 'solid'
    },
    emphasis: { focus: 'series' },
    markPoint:
      // The best value is a value: not drawn on the per-epoch change.
      validation && best && bestX !== null && !controls.delta && !member
        ? {
            symbol: 'circle',
            symbolSize: 10,
            itemStyle: {
              color: theme.best,
              borderColor: theme.background,
              borderWidth: 2
            },
            label: {
              show: !member,
              // On the open side of the point: above a minimum, below a
              // maximum (above it sits on the chart's top edge and axis
              // labels); near the right edge, ending at the point (beside
              // it, it sat on the curve arriving from the left).
              position: best.mode === 'max' ? 'bottom' : 'top',
              align: nearRightEdge(run, best.epoch) ? 'right' : 'center',
              color: theme.text,
              // A halo in the background's colour, as the static picture
              // draws it: a curve that runs through the label (the legs of
              // a sharp best) passes behind the text, not across it.
              textBorderColor: theme.background,
              textBorderWidth: 3,
              fontSize: 11,
              formatter: `best ${formatValue(best.value)} @ ${best.epoch}`
            },
            data: [{ name: 'best', coord: [bestX, best.value] }]
          }
        : undefined,
    markLine:
      bad.length > 0
        ? {
            symbol: 'none',
            silent: true,
            lineStyle: { color: theme.bad, type: 'dotted', width: 1.5 },
            label: {
              formatter: (p: { name?: string }) => p.name ?? '',
              color: theme.bad,
              position: 'insideEndTop'
            },
            data: nonfiniteStarts(bad.map(([, e, k]) => [e, k])).map(
              ([epoch, kind]) => ({
                xAxis: epochX(run, epoch, controls.xAxis)!,
                name: `${kind} @ ${epoch}`
              })
            )
          }
        : undefined
  };
}

/**
 * The min-max band of a metric across ranks: an invisible line at the low
 * values with the high-low difference stacked on it as a shaded area.
 */
function bandSeries(
  run: RunPayload,
  metric: string,
  look: Look,
  controls: Controls
): LineSeriesOption[] {
  const band = run.bands[metric];
  if (!band || controls.delta) {
    return [];
  }
  const points = (values: (number | null)[]): Points =>
    run.epochs
      .map((epoch, i): [number | null, number | null] => [
        xOf(run, epoch, i, controls.xAxis),
        values[i]
      ])
      .filter((p): p is [number, number | null] => p[0] !== null);
  const spread = band.high.map((high, i) => {
    const low = band.low[i];
    return high === null || low === null ? null : high - low;
  });
  const common = {
    type: 'line' as const,
    name: look.name(metric),
    stack: `${seriesId(run, metric)}\u0000band`,
    // The spread sits on the low even when the low is negative (ECharts'
    // default stacks only values of the same sign).
    stackStrategy: 'all' as const,
    showSymbol: false,
    silent: true,
    tooltip: { show: false },
    lineStyle: { opacity: 0 },
    z: 0
  };
  return [
    {
      ...common,
      id: `${seriesId(run, metric)}\u0000low`,
      data: points(band.low) as unknown as number[]
    },
    {
      ...common,
      id: `${seriesId(run, metric)}\u0000high`,
      data: points(spread) as unknown as number[],
      areaStyle: { color: look.color(metric), opacity: 0.15 }
    }
  ];
}

/** The unsmoothed curve, faint behind its smoothed line. */
function rawSeries(
  run: RunPayload,
  metric: string,
  look: Look,
  points: Points
): LineSeriesOption {
  return {
    type: 'line',
    id: `${seriesId(run, metric)}\u0000raw`,
    // Same legend name: hiding a curve hides its raw line too.
    name: look.name(metric),
    data: packPoints(points) as unknown as number[],
    dimensions: ['x', 'y'],
    connectNulls: false,
    showSymbol: false,
    sampling: 'lttb',
    color: look.color(metric),
    lineStyle: {
      width: 1,
      opacity: 0.3,
      type: splitIn(run, metric) === 'validation' ? 'dashed' : 'solid'
    },
    silent: true,
    tooltip: { show: false },
    z: 1
  };
}

/** The batch-level curve of a metric, faint behind the epoch curves. */
function batchSeries(
  run: RunPayload,
  metric: string,
  look: Look,
  single: boolean,
  controls: Controls
): LineSeriesOption {
  const batches = run.batches!;
  const values = smooth(batches.metrics[metric], controls.smoothing);
  const scale = controls.xAxis === 'step' ? (run.steps_per_epoch ?? NaN) : 1;
  return {
    type: 'line',
    id: `${seriesId(run, metric)}\u0000batch`,
    // Several runs: the faint curve toggles with its run's legend entry.
    name: single ? `${metric} (batch)` : look.name(metric),
    data: packPoints(
      batches.x.map((x, i): [number, number | null] => [x * scale, values[i]])
    ) as unknown as number[],
    dimensions: ['x', 'y'],
    connectNulls: false,
    showSymbol: false,
    sampling: 'lttb',
    color: look.color(metric),
    lineStyle: { width: 1, opacity: 0.35 },
    z: 1,
    emphasis: { disabled: true }
  };
}

/** Vertical markers for what happened to a run: early stopping. */
export function eventLines(
  run: RunPayload,
  theme: Theme,
  mode: XAxisMode = 'epoch'
): LineSeriesOption['markLine'] | undefined {
  // Style per item: these lines may join a series' NaN markers.
  const data = run.events
    .filter(event => event.kind === 'early_stop' && event.epoch !== undefined)
    .map(event => ({
      xAxis: epochX(run, event.epoch!, mode) ?? event.epoch!,
      name: `early stop @ ${event.epoch}`,
      lineStyle: {
        color: theme.textMuted,
        type: 'dashed' as const,
        width: 1.5
      },
      label: { color: theme.textMuted }
    }));
  if (data.length === 0) {
    return undefined;
  }
  return {
    symbol: 'none',
    silent: true,
    label: {
      formatter: (p: { name?: string }) => p.name ?? '',
      position: 'insideEndTop'
    },
    data
  };
}

/** Shaded epoch ranges, with their kind as a label, for a chart's findings. */
export function findingAreas(
  run: RunPayload,
  metrics: string[],
  theme: Theme,
  mode: XAxisMode = 'epoch'
): LineSeriesOption['markArea'] | undefined {
  const shown = run.findings.filter(
    f => metrics.includes(f.metric) && f.kind !== 'nonfinite'
  );
  if (shown.length === 0) {
    return undefined;
  }
  const color = (severity: string) =>
    severity === 'error'
      ? theme.bad
      : severity === 'warning'
        ? theme.warn
        : theme.textMuted;
  return {
    silent: true,
    data: shown.map(f => {
      const [x0, x1] = findingSpan(run, f.start, f.end, mode);
      return [
        {
          name: f.label,
          xAxis: x0,
          itemStyle: { color: color(f.severity), opacity: 0.12 },
          label: { color: color(f.severity), position: 'insideTop' }
        },
        { xAxis: x1 }
      ];
    })
  };
}

/**
 * The x range a finding shades. A finding of one epoch (a blow-up) would
 * be a band of no width: it reaches halfway to the neighbouring epochs.
 */
export function findingSpan(
  run: RunPayload,
  start: number,
  end: number,
  mode: XAxisMode = 'epoch'
): [number, number] {
  const x0 = epochX(run, start, mode) ?? start;
  const x1 = epochX(run, end, mode) ?? end;
  if (start !== end) {
    return [x0, x1];
  }
  const i = run.epochs.indexOf(start);
  const near = (j: number) =>
    j >= 0 && j < run.epochs.length ? epochX(run, run.epochs[j], mode) : null;
  const before = near(i - 1);
  const after = near(i + 1);
  const half =
    before !== null && after !== null
      ? Math.min(x0 - before, after - x0) / 2
      : before !== null
        ? (x0 - before) / 2
        : after !== null
          ? (after - x0) / 2
          : 0.5;
  return [x0 - half, x0 + half];
}

/** A lookup from (series id, epoch) to "nan"/"inf"/"-inf" for the tooltip. */
export function nonfiniteLookup(payload: Payload, mode: XAxisMode = 'epoch') {
  const table = new Map<string, Map<number, string>>();
  for (const run of payload.runs) {
    for (const [metric, entries] of Object.entries(run.nonfinite)) {
      table.set(
        seriesId(run, metric),
        new Map(
          entries.map(([epoch, kind]) => [
            epochX(run, epoch, mode) ?? NaN,
            kind
          ])
        )
      );
    }
  }
  return (id: string, epoch: number): string | undefined =>
    table.get(id)?.get(epoch);
}

export function buildCharts(payload: Payload, opts: BuildOptions): ChartSpec[] {
  const { theme } = opts;
  const controls = opts.controls ?? RAW;
  const lookup = nonfiniteLookup(payload, controls.xAxis);
  const labels = curveLabels(payload);
  const colors = opts.colors ?? runColors(payload.runs, theme.runPalette);
  const single = payload.runs.length === 1;
  const { sweep } = opts;
  // A sweep draws its best k one by one, the rest bundled (sweepSeries.ts).
  const runs = sweep
    ? payload.runs.filter(run => sweep.strong.has(run.id))
    : payload.runs;
  const faintRuns = sweep
    ? payload.runs.filter(
        run => sweep.drawn.has(run.id) && !sweep.strong.has(run.id)
      )
    : [];
  const labelled = sweep ? [...sweep.strong][0] : undefined;
  const axisText = { color: theme.textMuted, fontFamily: theme.fontFamily };
  const xName =
    controls.xAxis === 'time'
      ? 'seconds'
      : controls.xAxis === 'step'
        ? 'step'
        : 'epoch';
  // Batch curves have no per-batch time; their change per epoch means nothing.
  const showBatches =
    controls.batches && controls.xAxis !== 'time' && !controls.delta;
  const choices = opts.choices ?? chartChoices(payload, controls);
  const drawn = choices.filter(c => c.visible);
  return drawn.map(({ plan: chart }) => {
    const { family } = chart;
    const metrics = chart.metrics.map(m => m.name);
    const curves: { name: string; points: Points }[] = [];
    const traced: TracedCurve[] = [];
    const series = runs.flatMap(run => {
      const look = lookFor(run, metrics, payload, colors, theme);
      const epochSeries: LineSeriesOption[] = [];
      const faint: LineSeriesOption[] = [];
      for (const metric of metrics.filter(m => m in run.metrics)) {
        const { raw, shown } = curve(run, metric, controls);
        curves.push({ name: metric, points: raw });
        const line = lineSeries(run, metric, look, theme, controls, shown);
        if (sweep) {
          strongStyle(line, run.id === labelled, splitIn(run, metric));
          traced.push({
            runId: run.id,
            metric,
            split: splitIn(run, metric),
            points: shown
          });
        }
        epochSeries.push(line);
        if (controls.smoothing > 0) {
          faint.push(rawSeries(run, metric, look, raw));
        }
        faint.push(...bandSeries(run, metric, look, controls));
      }
      // A sweep shades none: hundreds of ranges merge into one block (the
      // list under the charts groups them by kind, the table names them).
      const areas =
        opts.findings && !sweep
          ? findingAreas(run, metrics, theme, controls.xAxis)
          : undefined;
      if (areas && epochSeries.length > 0) {
        epochSeries[0].markArea = areas;
      }
      const extra = [
        ...(eventLines(run, theme, controls.xAxis)?.data ?? []),
        // The per-epoch change is read against zero.
        ...(controls.delta ? [{ yAxis: 0, name: '' }] : [])
      ];
      if (extra.length > 0 && epochSeries.length > 0) {
        const first = epochSeries[0];
        first.markLine = first.markLine
          ? { ...first.markLine, data: [...first.markLine.data!, ...extra] }
          : {
              symbol: 'none',
              silent: true,
              lineStyle: { color: theme.textMuted, type: 'dashed', width: 1 },
              label: {
                formatter: (p: { name?: string }) => p.name ?? '',
                position: 'insideEndTop'
              },
              data: extra
            };
      }
      const fine = showBatches
        ? metrics
            .filter(metric => run.batches && metric in run.batches.metrics)
            .map(metric => batchSeries(run, metric, look, single, controls))
        : [];
      return [...epochSeries, ...faint, ...fine];
    });
    if (sweep) {
      const faint: TracedCurve[] = [];
      for (const run of faintRuns) {
        for (const metric of metrics.filter(m => m in run.metrics)) {
          const { raw, shown } = curve(run, metric, controls);
          curves.push({ name: metric, points: raw });
          faint.push({
            runId: run.id,
            metric,
            split: splitIn(run, metric),
            points: shown
          });
        }
      }
      traced.push(...faint);
      series.push(...faintLines(faint, id => colors.get(id)!));
    }
    const logTrouble = logProblem(curves);
    // Short curves are drawn point for point; long ones sampled (LTTB).
    const limit = opts.maxPoints ?? 2000;
    for (const line of series) {
      if (String(line.id).startsWith(FAINT)) {
        // Many runs end to end: sampling across them would mangle them.
        continue;
      }
      const data = line.data as unknown as Float64Array | unknown[];
      const count = Array.isArray(data) ? data.length : data.length / 2;
      line.sampling = count > limit ? 'lttb' : undefined;
    }
    const option: EChartsOption = {
      animation: opts.animation,
      backgroundColor: theme.background,
      textStyle: { fontFamily: theme.fontFamily, color: theme.text },
      aria: { enabled: true, decal: { show: false } },
      title: {
        text: chart.title,
        left: 8,
        top: 4,
        textStyle: { fontSize: 13, fontWeight: 600, color: theme.text }
      },
      legend: {
        // A sweep's legend is its run table.
        show: !sweep,
        type: 'scroll',
        top: 26,
        left: 8,
        right: 8,
        textStyle: { color: theme.text },
        pageTextStyle: { color: theme.textMuted },
        pageIconColor: theme.text,
        pageIconInactiveColor: theme.axis
      },
      grid: { left: 56, right: 24, top: sweep ? 36 : 62, bottom: 62 },
      tooltip: {
        trigger: 'axis',
        confine: true,
        backgroundColor: theme.tooltipBackground,
        borderColor: theme.axis,
        textStyle: { color: theme.text, fontFamily: theme.fontFamily },
        className: 'tc-tooltip',
        formatter: (params: unknown) =>
          formatTooltip(params as TooltipItem[], lookup, labels, xName)
      },
      xAxis: {
        type: 'value',
        name: xName,
        nameLocation: 'middle',
        nameGap: 24,
        nameTextStyle: axisText,
        // Whole epochs at the ends; batch curves start before epoch 1.
        min: (extent: { min: number }) => Math.floor(extent.min),
        max: 'dataMax',
        minInterval: controls.xAxis === 'time' ? 0 : 1,
        axisLine: { lineStyle: { color: theme.axis } },
        axisLabel: { ...axisText, formatter: (v: number) => formatEpoch(v) },
        splitLine: { show: false },
        // A sweep's tooltip names the strong runs; emphasising their point
        // at each move would repaint every curve. (An undefined axisPointer
        // breaks ECharts' axis: the key only when it says something.)
        ...(sweep ? { axisPointer: { triggerEmphasis: false } } : {})
      },
      yAxis: {
        // Log only where every value is positive; the toolbar says why not.
        type: controls.logY && !logTrouble ? 'log' : 'value',
        scale: true,
        axisLine: { show: false },
        axisLabel: { ...axisText, formatter: (v: number) => formatValue(v) },
        splitLine: { lineStyle: { color: theme.grid } }
      },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        {
          type: 'slider',
          xAxisIndex: 0,
          filterMode: 'none',
          height: 16,
          bottom: 6,
          borderColor: theme.axis,
          textStyle: { color: theme.textMuted },
          labelFormatter: (v: number) => formatEpoch(v)
        }
      ],
      series
    };
    return {
      family,
      option,
      logProblem: logTrouble,
      traced: sweep ? traced : undefined
    };
  });
}
