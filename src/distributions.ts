/**
 * Pure ECharts option building for layer distributions: a quantile band chart
 * over epochs, a heat map of the histograms over epochs, and a histogram bar
 * chart for a single epoch (a `tc.distributions` snapshot).
 */

import type {
  BarSeriesOption,
  EChartsOption,
  HeatmapSeriesOption,
  LineSeriesOption
} from 'echarts';

import { escapeHTML, formatValue } from './format';
import type { Distribution, RunPayload, Value } from './payload';
import type { Theme } from './theme';

/** At most this many rows in the heat map's common value grid. */
export const ROWS = 40;

/**
 * Every epoch's histogram on one value grid: the rows cover the values of
 * all epochs (widened to round numbers, see niceGrid), so a cell means the
 * same values in every column.
 */
export interface Grid {
  /** Ascending row edges, one more than there are rows. */
  edges: number[];
  /**
   * Per epoch, the share of its finite values in each row: a column sums to
   * 1, or is all 0 when the epoch had no finite value.
   */
  shares: number[][];
  /** Distance between the value axis' ticks; 0 for a single value. */
  tick: number;
}

/** A round tick for `value`, rounded as ECharts rounds its own ticks. */
function roundTick(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  const round = f < 1.5 ? 1 : f < 2.5 ? 2 : f < 4 ? 3 : f < 7 ? 5 : 10;
  // 3 * 0.1 is 0.30000000000000004.
  return Number((round * power).toPrecision(12));
}

/**
 * The value grid over [min, max]: widened to multiples of a round tick
 * (about five ticks, as ECharts would place them) so that the axis ends are
 * plain numbers, and cut into at most `rows` rows that divide the tick, so
 * that cell ranges are plain numbers too.
 */
export function niceGrid(
  min: number,
  max: number,
  rows: number
): { edges: number[]; tick: number } {
  if (!(max > min)) {
    return { edges: [min, max], tick: 0 };
  }
  const tick = roundTick((max - min) / 5);
  // A hair of slack: a value on a multiple of the tick must not add one.
  const first = Math.floor(min / tick + 1e-9);
  const last = Math.ceil(max / tick - 1e-9);
  const ticks = last - first;
  const split = [10, 5, 4, 2, 1].find(d => ticks * d <= rows) ?? 1;
  const step = tick / split;
  const edges = Array.from({ length: ticks * split + 1 }, (_, r) =>
    Number((first * tick + r * step).toPrecision(12))
  );
  return { edges, tick };
}

/**
 * Map each epoch's histogram (equal bins over its own range) onto one grid
 * of at most `rows` equal rows (see niceGrid), a bin's count split in
 * proportion to its overlap with each row. Null when no epoch had a finite
 * value.
 */
export function rebin(dist: Distribution, rows = ROWS): Grid | null {
  const { low, high, counts } = dist.histogram;
  const ranged = dist.epochs
    .map((_, i) => i)
    .filter(i => low[i] !== null && high[i] !== null);
  if (ranged.length === 0) {
    return null;
  }
  const { edges, tick } = niceGrid(
    Math.min(...ranged.map(i => low[i]!)),
    Math.max(...ranged.map(i => high[i]!)),
    rows
  );
  // All values equal, in every epoch: one row holds them.
  const n = edges.length - 1;
  const start = edges[0];
  const width = (edges[n] - start) / n;
  const rowOf = (value: number) =>
    width > 0
      ? Math.min(n - 1, Math.max(0, Math.floor((value - start) / width)))
      : 0;
  const shares = dist.epochs.map((_, i) => {
    const column = new Array<number>(n).fill(0);
    const lo = low[i];
    const hi = high[i];
    const bins = counts[i] ?? [];
    const total = bins.reduce((sum, c) => sum + c, 0);
    if (lo === null || hi === null || total === 0) {
      return column;
    }
    if (hi <= lo) {
      // All of this epoch's values are equal: its whole count is one row.
      column[rowOf(lo)] = 1;
      return column;
    }
    const binWidth = (hi - lo) / bins.length;
    bins.forEach((count, b) => {
      if (count === 0) {
        return;
      }
      const a = lo + b * binWidth;
      const z = b === bins.length - 1 ? hi : a + binWidth;
      for (let r = rowOf(a); r <= rowOf(z); r++) {
        const overlap = Math.min(z, edges[r + 1]) - Math.max(a, edges[r]);
        if (overlap > 0) {
          column[r] += (count * overlap) / (z - a);
        }
      }
    });
    const spread = column.reduce((sum, c) => sum + c, 0);
    return column.map(c => c / spread);
  });
  return { edges, shares, tick };
}

/** A share as people read it: `37.5 %`, `< 0.1 %` for a sliver. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) {
    return '< 0.1 %';
  }
  return `${Number((share * 100).toPrecision(3))} %`;
}

/** What the panel shows of one layer: which run, under what title. */
export interface DistributionRow {
  /** Stable across updates: the row's and its charts' key. */
  key: string;
  run: RunPayload;
  dist: Distribution;
  /** The layer's name, with the run's when the panel shows several runs. */
  label: string;
}

/** One row per (run, distribution), in payload order. */
export function distributionRows(runs: RunPayload[]): DistributionRow[] {
  return runs.flatMap(run =>
    run.distributions.map(dist => ({
      key: `${run.id}\u0000${dist.name}`,
      run,
      dist,
      label: runs.length > 1 ? `${run.name} · ${dist.name}` : dist.name
    }))
  );
}

/** The latest epoch's facts for a row's title. */
export function latestFacts(dist: Distribution): string[] {
  const last = dist.epochs.length - 1;
  if (last < 0) {
    return [];
  }
  const facts = [
    `epoch ${dist.epochs[last]}`,
    `${formatShare(dist.zeros[last])} zeros`
  ];
  if (dist.nonfinite[last] > 0) {
    facts.push(`${formatShare(dist.nonfinite[last])} non-finite`);
  }
  facts.push(`${dist.size.toLocaleString('en')} values`);
  return facts;
}

export interface DistributionOptions {
  /** Names the layer in tooltips (escaped there). */
  label?: string;
  animation?: boolean;
}

function base(theme: Theme, title: string, animation: boolean): EChartsOption {
  return {
    animation,
    backgroundColor: theme.background,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    aria: { enabled: true, decal: { show: false } },
    title: {
      text: title,
      left: 8,
      top: 4,
      textStyle: { fontSize: 12, fontWeight: 500, color: theme.textMuted }
    }
  };
}

function axisStyle(theme: Theme) {
  const text = { color: theme.textMuted, fontFamily: theme.fontFamily };
  return {
    nameTextStyle: text,
    axisLine: { lineStyle: { color: theme.axis } },
    axisTick: { lineStyle: { color: theme.axis } },
    axisLabel: text
  };
}

function tooltipStyle(theme: Theme) {
  return {
    confine: true,
    backgroundColor: theme.tooltipBackground,
    borderColor: theme.axis,
    textStyle: { color: theme.text, fontFamily: theme.fontFamily },
    className: 'tc-tooltip'
  };
}

/** A tooltip for the hovered x, its text made from that point's index. */
function axisTooltip(theme: Theme, text: (index: number) => string) {
  return {
    ...tooltipStyle(theme),
    trigger: 'axis' as const,
    axisPointer: { type: 'line' as const, lineStyle: { color: theme.axis } },
    formatter: (params: unknown) => {
      const first = (Array.isArray(params) ? params[0] : params) as {
        dataIndex?: number;
      };
      return text(first?.dataIndex ?? -1);
    }
  };
}

function tooltipRow(name: string, value: string, swatch?: string): string {
  const mark = swatch
    ? `<span class="tc-tooltip-swatch" style="background:${escapeHTML(swatch)}"></span>`
    : '';
  return (
    `<div class="tc-tooltip-row">${mark}` +
    `<span class="tc-tooltip-name">${escapeHTML(name)}</span>` +
    `<span class="tc-tooltip-value">${escapeHTML(value)}</span></div>`
  );
}

function tooltipTitle(label: string | undefined, what: string): string {
  const text = label ? `${label} · ${what}` : what;
  return `<div class="tc-tooltip-title">${escapeHTML(text)}</div>`;
}

const QUANTILE_ROWS: [keyof Distribution['quantiles'], string][] = [
  ['max', 'max'],
  ['p95', '95 %'],
  ['p75', '75 %'],
  ['p50', 'median'],
  ['p25', '25 %'],
  ['p5', '5 %'],
  ['min', 'min']
];

/** The band chart's tooltip: every quantile and share of one epoch. */
export function quantileTooltip(
  dist: Distribution,
  index: number,
  label?: string
): string {
  if (index < 0 || index >= dist.epochs.length) {
    return '';
  }
  const q = dist.quantiles;
  const rows =
    q.p50[index] === null
      ? [tooltipRow('quantiles', 'no finite value')]
      : QUANTILE_ROWS.map(([key, name]) =>
          tooltipRow(name, formatValue(q[key][index]))
        );
  rows.push(tooltipRow('zeros', formatShare(dist.zeros[index])));
  if (dist.nonfinite[index] > 0) {
    rows.push(tooltipRow('non-finite', formatShare(dist.nonfinite[index])));
  }
  return (
    tooltipTitle(label, `epoch ${formatValue(dist.epochs[index])}`) +
    rows.join('')
  );
}

/** One value range of the grid, for tooltips: `0.25 – 0.5`. */
function rangeText(edges: number[], row: number): string {
  const [low, high] = [edges[row], edges[row + 1]];
  return low === high
    ? formatValue(low)
    : `${formatValue(low)} – ${formatValue(high)}`;
}

/** The heat map's tooltip: one cell, an epoch's share in a value range. */
export function cellTooltip(
  dist: Distribution,
  grid: Grid,
  index: number,
  row: number,
  label?: string
): string {
  return (
    tooltipTitle(label, `epoch ${formatValue(dist.epochs[index])}`) +
    tooltipRow('values', rangeText(grid.edges, row)) +
    tooltipRow('share', formatShare(grid.shares[index][row]))
  );
}

/**
 * Median line, 25–75 % and 5–95 % bands, min and max faint, over epochs.
 * A band is an invisible line at its low quantile with the high-low
 * difference stacked on it as a shaded area.
 */
export function quantileBandOption(
  dist: Distribution,
  theme: Theme,
  opts: DistributionOptions = {}
): EChartsOption {
  const q = dist.quantiles;
  const points = (values: Value[]): [number, number | null][] =>
    dist.epochs.map((epoch, i) => [epoch, values[i]]);
  const spread = (high: Value[], low: Value[]) =>
    high.map((h, i) => {
      const l = low[i];
      return h === null || l === null ? null : h - l;
    });
  const color = theme.train;
  const band = (
    id: string,
    name: string,
    low: Value[],
    high: Value[],
    opacity: number
  ): LineSeriesOption[] => {
    const common = {
      type: 'line' as const,
      // One legend entry switches the band: both its series carry its name.
      name,
      stack: id,
      // Quantiles of activations are often negative: stack whatever the sign.
      stackStrategy: 'all' as const,
      showSymbol: false,
      silent: true,
      color,
      lineStyle: { opacity: 0 },
      z: 1
    };
    return [
      { ...common, id: `${id}-low`, data: points(low) },
      {
        ...common,
        id,
        data: points(spread(high, low)),
        areaStyle: { color, opacity }
      }
    ];
  };
  const edge = (id: 'min' | 'max'): LineSeriesOption => ({
    type: 'line',
    id,
    name: 'min, max',
    data: points(q[id]),
    showSymbol: false,
    silent: true,
    color: theme.textMuted,
    lineStyle: { width: 1, type: 'dashed', opacity: 0.7 },
    z: 2
  });
  const hints = dist.hints.filter(hint => dist.epochs.includes(hint.epoch));
  const median: LineSeriesOption = {
    type: 'line',
    id: 'median',
    name: 'median',
    data: points(q.p50),
    showSymbol: dist.epochs.length <= 12,
    symbolSize: 4,
    connectNulls: false,
    color,
    lineStyle: { width: 2 },
    z: 3,
    // Always set, even empty: an update must clear a hint that went away.
    markLine: {
      symbol: 'none',
      silent: true,
      lineStyle: { color: theme.warn, type: 'dotted', width: 1.5 },
      label: {
        formatter: (p: { name?: string }) => p.name ?? '',
        color: theme.warn,
        position: 'insideEndTop'
      },
      data: hints.map(hint => ({
        xAxis: hint.epoch,
        name: `${hint.kind} @ ${hint.epoch}`
      }))
    }
  };
  const axis = axisStyle(theme);
  return {
    ...base(theme, 'quantiles', opts.animation ?? false),
    grid: { left: 56, right: 16, top: 34, bottom: 40 },
    tooltip: axisTooltip(theme, index =>
      quantileTooltip(dist, index, opts.label)
    ),
    xAxis: {
      type: 'value',
      name: 'epoch',
      nameLocation: 'middle',
      nameGap: 24,
      min: 'dataMin',
      max: 'dataMax',
      minInterval: 1,
      ...axis,
      splitLine: { show: false }
    },
    yAxis: {
      type: 'value',
      scale: true,
      ...axis,
      axisLine: { show: false },
      axisLabel: {
        ...axis.axisLabel,
        formatter: (v: number) => formatValue(v)
      },
      splitLine: { lineStyle: { color: theme.grid } }
    },
    legend: {
      top: 4,
      right: 8,
      itemWidth: 14,
      itemHeight: 8,
      textStyle: { color: theme.textMuted, fontSize: 11 },
      inactiveColor: theme.axis,
      // Drawn as the bands look, not as their invisible lower edges.
      data: [
        { name: 'median', icon: 'roundRect' },
        {
          name: '25–75 %',
          icon: 'rect',
          itemStyle: { color, opacity: 0.5 }
        },
        {
          name: '5–95 %',
          icon: 'rect',
          itemStyle: { color, opacity: 0.25 }
        },
        { name: 'min, max', icon: 'roundRect' }
      ]
    },
    series: [
      ...band('p5-p95', '5–95 %', q.p5, q.p95, 0.18),
      ...band('p25-p75', '25–75 %', q.p25, q.p75, 0.38),
      edge('min'),
      edge('max'),
      median
    ]
  };
}

/**
 * A value axis drawn over a grid of category bands: nice numeric ticks for
 * the bins (a heat map needs category axes, which label every band).
 */
function valueScale(
  theme: Theme,
  grid: Pick<Grid, 'edges' | 'tick'>,
  position: 'left' | 'bottom'
) {
  const axis = axisStyle(theme);
  return {
    type: 'value' as const,
    min: grid.edges[0],
    max: grid.edges[grid.edges.length - 1],
    // The grid's own tick: its ends are on it, so they read as plain numbers.
    interval: grid.tick,
    position,
    ...axis,
    axisLabel: {
      ...axis.axisLabel,
      hideOverlap: true,
      // Ticks are min + k * tick: snap away float noise such as 1e-16.
      formatter: (v: number) =>
        formatValue(
          Number((Math.round(v / grid.tick) * grid.tick).toPrecision(12))
        )
    },
    splitLine: { show: false }
  };
}

/** Category labels of the grid's rows: the value at each row's middle. */
function rowLabels(edges: number[]): string[] {
  return edges.slice(1).map((e, r) => formatValue((edges[r] + e) / 2));
}

/**
 * The histograms over epochs as a heat map: x the epoch, y the common value
 * grid, colour the epoch's share of values in the cell.
 */
export function heatmapOption(
  dist: Distribution,
  theme: Theme,
  opts: DistributionOptions & { rows?: number } = {}
): EChartsOption {
  const grid = rebin(dist, opts.rows ?? ROWS);
  const edges = grid?.edges ?? [];
  const data: [number, number, number, number][] = [];
  let top = 0;
  grid?.shares.forEach((column, i) =>
    column.forEach((share, r) => {
      if (share > 0) {
        // Colour by the square root: a dead layer's spike at zero would
        // otherwise wash out the rest of the map.
        data.push([i, r, Math.sqrt(share), share]);
        top = Math.max(top, share);
      }
    })
  );
  const spans = grid !== null && grid.tick > 0;
  const axis = axisStyle(theme);
  const series: HeatmapSeriesOption = {
    type: 'heatmap',
    id: 'histogram',
    name: 'share',
    data,
    // All cells in one frame: chunked drawing flickers on live updates.
    progressive: 0,
    emphasis: { itemStyle: { borderColor: theme.text, borderWidth: 1 } }
  };
  return {
    ...base(theme, 'histogram over epochs', opts.animation ?? false),
    grid: { left: 56, right: 64, top: 34, bottom: 40 },
    tooltip: {
      ...tooltipStyle(theme),
      trigger: 'item',
      formatter: (params: unknown) => {
        const value = (params as { value?: unknown }).value;
        if (!grid || !Array.isArray(value)) {
          return '';
        }
        return cellTooltip(dist, grid, value[0], value[1], opts.label);
      }
    },
    xAxis: {
      type: 'category',
      name: 'epoch',
      nameLocation: 'middle',
      nameGap: 24,
      data: dist.epochs.map(String),
      ...axis,
      splitLine: { show: false }
    },
    yAxis: [
      {
        type: 'category',
        data: rowLabels(edges),
        // Numeric ticks come from the value axis over it, when it spans.
        show: !spans,
        ...axis,
        splitLine: { show: false }
      },
      ...(grid && spans ? [valueScale(theme, grid, 'left')] : [])
    ],
    visualMap: {
      type: 'continuous',
      dimension: 2,
      seriesIndex: 0,
      min: 0,
      max: Math.sqrt(top) || 1,
      calculable: false,
      orient: 'vertical',
      right: 6,
      top: 'middle',
      itemWidth: 10,
      itemHeight: 90,
      text: [formatShare(top), '0 %'],
      textGap: 4,
      textStyle: { color: theme.textMuted, fontSize: 10 },
      // From the faint grid colour to the series colour: readable on light
      // and dark backgrounds alike (an empty cell is not drawn at all).
      inRange: { color: [theme.grid, theme.train] }
    },
    series: [series]
  };
}

/**
 * The latest epoch's histogram as bars over its own bins (a snapshot has no
 * epochs to draw a band or a heat map over), on a value axis with round ends.
 */
export function histogramOption(
  dist: Distribution,
  theme: Theme,
  opts: DistributionOptions = {}
): EChartsOption {
  const index = dist.epochs.length - 1;
  const low = dist.histogram.low[index] ?? null;
  const high = dist.histogram.high[index] ?? null;
  const counts = dist.histogram.counts[index] ?? [];
  const total = counts.reduce((sum, c) => sum + c, 0);
  const spans = low !== null && high !== null && high > low && total > 0;
  const width = spans ? (high! - low!) / counts.length : 0;
  // Each bin's range; a constant tensor is one bar at its value.
  const bins: [number, number][] = spans
    ? counts.map((_, b) => [
        low! + b * width,
        b === counts.length - 1 ? high! : low! + (b + 1) * width
      ])
    : low !== null
      ? [[low, low]]
      : [];
  const shares = spans ? counts.map(c => c / total) : bins.map(() => 1);
  const median = index >= 0 ? dist.quantiles.p50[index] : null;
  const axis = axisStyle(theme);
  const scale = spans ? niceGrid(low!, high!, ROWS) : null;
  const series: BarSeriesOption = {
    type: 'bar',
    id: 'histogram',
    name: 'share',
    data: spans
      ? bins.map(([a, z], b) => [(a + z) / 2, shares[b]])
      : shares.map(share => [0, share]),
    barCategoryGap: '8%',
    // A constant tensor's single bar must not fill the chart.
    barMaxWidth: 48,
    color: theme.train
  };
  const what = index >= 0 ? `epoch ${formatValue(dist.epochs[index])}` : '';
  return {
    ...base(
      theme,
      `histogram, ${what}` +
        (median !== null ? ` · median ${formatValue(median)}` : ''),
      opts.animation ?? false
    ),
    grid: { left: 56, right: 16, top: 34, bottom: 40 },
    tooltip: axisTooltip(theme, b => {
      if (b < 0 || b >= bins.length) {
        return '';
      }
      const [a, z] = bins[b];
      return (
        tooltipTitle(opts.label, what) +
        tooltipRow(
          'values',
          a === z ? formatValue(a) : `${formatValue(a)} – ${formatValue(z)}`
        ) +
        tooltipRow('share', formatShare(shares[b]))
      );
    }),
    xAxis: scale
      ? valueScale(theme, scale, 'bottom')
      : {
          type: 'category',
          data: bins.map(([a]) => formatValue(a)),
          ...axis
        },
    yAxis: {
      type: 'value',
      ...axis,
      axisLine: { show: false },
      axisLabel: {
        ...axis.axisLabel,
        formatter: (v: number) => formatShare(v)
      },
      splitLine: { lineStyle: { color: theme.grid } }
    },
    series: [series]
  };
}

/** Which charts a row draws, each with its option; keyed by slot. */
export function distributionCharts(
  dist: Distribution,
  theme: Theme,
  opts: DistributionOptions = {}
): { slot: 'band' | 'heatmap' | 'histogram'; option: EChartsOption }[] {
  if (dist.epochs.length <= 1) {
    return [{ slot: 'histogram', option: histogramOption(dist, theme, opts) }];
  }
  return [
    { slot: 'band', option: quantileBandOption(dist, theme, opts) },
    { slot: 'heatmap', option: heatmapOption(dist, theme, opts) }
  ];
}
