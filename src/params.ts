/**
 * Parameters against results: the axes of a sweep (each param that differs
 * between runs, then the focus metric's best value), a parallel-coordinates
 * chart over them and a scatter of one param against the best value. Pure
 * ECharts option building, with ECharts' own parallel and scatter series.
 */

import type { EChartsOption } from 'echarts';

import { formatValue } from './format';
import type { Focus, RunPayload } from './payload';
import { focusValue } from './sweep';
import type { Theme } from './theme';

export interface SweepAxis {
  /** `param:lr` or `best:val_loss`: stable across updates. */
  key: string;
  title: string;
  /** Log for positive values spanning more than a decade and a half. */
  type: 'value' | 'log' | 'category';
  /** The text values of a category axis, in order. */
  categories: string[];
  /** A run's position on the axis (a category's index), or null. */
  value: (run: RunPayload) => number | null;
}

/** Positive numbers spread over orders of magnitude read on a log scale. */
export function wantsLog(values: number[]): boolean {
  const min = Math.min(...values);
  return values.length > 1 && min > 0 && Math.max(...values) / min >= 30;
}

/** At most this many distinct numbers make a category axis. */
const FEW = 6;

function numeric(values: unknown[]): values is (number | null)[] {
  return values.every(v => v === null || typeof v === 'number');
}

/** Each param that differs between the runs, then the focus metric's best. */
export function sweepAxes(
  runs: RunPayload[],
  focus: Focus | null
): SweepAxis[] {
  const names: string[] = [];
  for (const run of runs) {
    for (const name of Object.keys(run.params)) {
      if (!names.includes(name)) {
        names.push(name);
      }
    }
  }
  const axes: SweepAxis[] = [];
  for (const name of names) {
    const raw = runs.map(run => run.params[name] ?? null);
    if (new Set(raw.map(v => JSON.stringify(v))).size < 2) {
      continue;
    }
    const key = `param:${name}`;
    const distinct = new Set(raw.filter(v => v !== null));
    // A handful of values tried (widths, a decay grid) read as categories.
    if (numeric(raw) && distinct.size > FEW) {
      const values = raw.filter((v): v is number => v !== null);
      axes.push({
        key,
        title: name,
        type: wantsLog(values) ? 'log' : 'value',
        categories: [],
        value: run => {
          const v = run.params[name];
          return typeof v === 'number' ? v : null;
        }
      });
    } else {
      const categories = [...distinct]
        .sort((x, y) =>
          typeof x === 'number' && typeof y === 'number'
            ? x - y
            : String(x).localeCompare(String(y))
        )
        .map(v => (typeof v === 'number' ? formatValue(v) : String(v)));
      axes.push({
        key,
        title: name,
        type: 'category',
        categories,
        value: run => {
          const v = run.params[name];
          if (v === undefined || v === null) {
            return null;
          }
          const at = categories.indexOf(
            typeof v === 'number' ? formatValue(v) : String(v)
          );
          return at < 0 ? null : at;
        }
      });
    }
  }
  if (focus) {
    const values = runs
      .map(run => focusValue(run, focus))
      .filter((v): v is number => v !== null);
    if (values.length > 0) {
      axes.push({
        key: `best:${focus.metric}`,
        title: `best ${focus.metric}`,
        type: 'value',
        categories: [],
        value: run => focusValue(run, focus)
      });
    }
  }
  return axes;
}

/** How each run is drawn on the params charts. */
export interface ParamLook {
  color: (run: RunPayload) => string;
  /** Drawn on the curves (not filtered out, not unticked). */
  drawn: Set<string>;
  /** Among the best k. */
  strong: Set<string>;
}

function axisLabel(axis: SweepAxis, theme: Theme) {
  return {
    color: theme.textMuted,
    fontFamily: theme.fontFamily,
    formatter: (v: number | string) =>
      axis.type === 'category' ? String(v) : formatValue(Number(v))
  };
}

/**
 * One line per run across every axis. Brushing an axis (drag along it)
 * keeps the runs inside the ranges: ECharts reports it as
 * `axisareaselected`, the panel filters the curves and the table.
 */
export function parallelOption(
  runs: RunPayload[],
  axes: SweepAxis[],
  look: ParamLook,
  theme: Theme
): EChartsOption {
  const text = { color: theme.text, fontFamily: theme.fontFamily };
  return {
    animation: false,
    backgroundColor: theme.background,
    textStyle: text,
    title: {
      text: 'params → result',
      left: 8,
      top: 4,
      textStyle: { fontSize: 13, fontWeight: 600, color: theme.text }
    },
    parallel: {
      left: 48,
      right: 72,
      top: 56,
      bottom: 28,
      parallelAxisDefault: {
        nameLocation: 'start',
        nameGap: 16,
        nameTextStyle: { ...text, fontSize: 12 },
        axisLine: { lineStyle: { color: theme.axis } },
        axisTick: { lineStyle: { color: theme.axis } },
        splitLine: { show: false },
        areaSelectStyle: { width: 16, opacity: 0.25 }
      }
    },
    parallelAxis: axes.map((axis, dim) => ({
      dim,
      id: axis.key,
      name: axis.title,
      type: axis.type,
      data: axis.type === 'category' ? axis.categories : undefined,
      scale: true,
      // Filter once the drag ends: every step would redraw every curve.
      realtime: false,
      nameLocation: 'end',
      axisLabel: axisLabel(axis, theme)
    })),
    series: [
      {
        type: 'parallel',
        id: 'runs',
        // Runs left out by the search or unticked stay, barely there.
        inactiveOpacity: 0.04,
        activeOpacity: 1,
        smooth: false,
        emphasis: { focus: 'self', lineStyle: { width: 3, opacity: 1 } },
        data: runs.map(run => {
          const faint = !look.drawn.has(run.id);
          return {
            name: run.name,
            value: axes.map(axis => {
              const v = axis.value(run);
              return v === null ? '-' : v;
            }),
            lineStyle: {
              color: look.color(run),
              width: look.strong.has(run.id) ? 2.5 : 1,
              opacity: faint ? 0.05 : look.strong.has(run.id) ? 0.95 : 0.35
            }
          };
        })
      }
    ]
  } as EChartsOption;
}

/** One point per run: a param (x) against the focus metric's best (y). */
export function scatterOption(
  runs: RunPayload[],
  x: SweepAxis,
  y: SweepAxis,
  look: ParamLook,
  theme: Theme
): EChartsOption {
  const axisText = { color: theme.textMuted, fontFamily: theme.fontFamily };
  const axis = (a: SweepAxis) => ({
    type: a.type,
    name: a.title,
    data: a.type === 'category' ? a.categories : undefined,
    scale: true,
    nameLocation: 'middle' as const,
    nameGap: 28,
    nameTextStyle: axisText,
    axisLine: { lineStyle: { color: theme.axis } },
    axisLabel: axisLabel(a, theme),
    splitLine: { lineStyle: { color: theme.grid } }
  });
  return {
    animation: false,
    backgroundColor: theme.background,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    title: {
      text: `${y.title} by ${x.title}`,
      left: 8,
      top: 4,
      textStyle: { fontSize: 13, fontWeight: 600, color: theme.text }
    },
    grid: { left: 64, right: 16, top: 40, bottom: 48 },
    xAxis: axis(x),
    yAxis: { ...axis(y), nameGap: 48 },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: theme.tooltipBackground,
      borderColor: theme.axis,
      textStyle: { color: theme.text, fontFamily: theme.fontFamily }
    },
    series: [
      {
        type: 'scatter',
        id: 'runs',
        emphasis: { focus: 'self', scale: 1.6 },
        data: runs
          .map(run => ({ run, px: x.value(run), py: y.value(run) }))
          .filter(({ px, py }) => px !== null && py !== null)
          .map(({ run, px, py }) => {
            const strong = look.strong.has(run.id);
            return {
              // The default tooltip escapes the name.
              name: run.name,
              value: [px!, py!],
              symbolSize: strong ? 11 : 7,
              itemStyle: {
                color: look.color(run),
                opacity: look.drawn.has(run.id) ? (strong ? 1 : 0.6) : 0.08,
                borderColor: strong ? theme.text : undefined,
                borderWidth: strong ? 1 : 0
              }
            };
          })
      }
    ]
  } as EChartsOption;
}
