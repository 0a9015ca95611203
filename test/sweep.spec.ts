/**
 * @jest-environment jsdom
 */
import type { LineSeriesOption } from 'echarts';

import { colorScale, colorTicks, COLOR_MAP, mapColor } from '../src/colorBy';
import { groupFindings, renderFindingGroups } from '../src/findings';
import { buildCharts } from '../src/options';
import { ParamCharts } from '../src/paramCharts';
import { parallelOption, scatterOption, sweepAxes } from '../src/params';
import { Payload, validatePayload } from '../src/payload';
import {
  drawnRuns,
  focusOf,
  matchesQuery,
  NO_FILTER,
  rankRuns,
  strongRuns
} from '../src/sweep';
import { sweepScene } from '../src/sweepScene';
import { FAINT, nearestCurve } from '../src/sweepSeries';
import { renderTable } from '../src/table';
import { LIGHT_THEME } from '../src/theme';
import { fakeECharts } from './fakeECharts';
import { sweepPayload } from './sweepPayload';

const palette = LIGHT_THEME.runPalette;
const sweep = validatePayload(sweepPayload({ count: 200, epochs: 30 }));
const byName = (payload: Payload, name: string) =>
  payload.runs.find(run => run.name === name)!;

describe('a sweep payload', () => {
  it('reads focus, ranks, highlight and finding groups', () => {
    expect(sweep.focus).toEqual({ metric: 'val_loss', mode: 'min' });
    expect(sweep.highlight).toBe(5);
    expect(sweep.runs.map(run => run.rank).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1)
    );
    const [group] = sweep.findingGroups!;
    expect(group.kind).toBe('overfitting');
    expect(group.of).toBe(200);
    expect(group.count).toBe(group.runs.length);
  });

  it('reads an older payload without them', () => {
    const plain = validatePayload(sweepPayload({ count: 20, plain: true }));
    expect(plain.focus).toBeNull();
    expect(plain.highlight).toBeNull();
    expect(plain.findingGroups).toBeNull();
    expect(plain.runs[0].rank).toBeNull();
    // The focus falls back to the first validation metric.
    expect(focusOf(plain)).toEqual({ metric: 'val_loss', mode: 'min' });
  });
});

describe('ranks and strong runs', () => {
  it('take the payload ranks, or rank by the focus metric', () => {
    const plain = validatePayload(sweepPayload({ count: 20, plain: true }));
    const ranks = rankRuns(plain);
    const values = plain.runs
      .map(run => [ranks.get(run.id)!, run.best.val_loss.value] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const given = rankRuns(sweep);
    expect(sweep.runs.every(run => given.get(run.id) === run.rank)).toBe(true);
  });

  it('are the best k of the runs drawn, every run of a small comparison', () => {
    const ranks = rankRuns(sweep);
    const strong = strongRuns(sweep, sweep.runs, ranks);
    expect([...strong].map(id => ranks.get(id))).toEqual([1, 2, 3, 4, 5]);
    // Narrowed to the weaker half, the best of what is left come forward.
    const rest = sweep.runs.filter(run => run.rank! > 100);
    const narrowed = strongRuns(sweep, rest, ranks);
    expect([...narrowed].map(id => ranks.get(id))).toEqual([
      101, 102, 103, 104, 105
    ]);
    const few = { ...sweep, runs: sweep.runs.slice(0, 4) };
    expect(strongRuns(few, few.runs, rankRuns(few)).size).toBe(4);
  });
});

describe('filtering runs', () => {
  const run = byName(sweep, 'trial-7');

  it('matches names, params, comparisons and finding kinds', () => {
    expect(matchesQuery(run, 'trial-7')).toBe(true);
    expect(matchesQuery(run, 'TRIAL-7')).toBe(true);
    expect(matchesQuery(run, `width=${run.params.width}`)).toBe(true);
    expect(matchesQuery(run, `width!=${run.params.width}`)).toBe(false);
    const lr = run.params.lr as number;
    expect(matchesQuery(run, `lr<${lr * 2}`)).toBe(true);
    expect(matchesQuery(run, `lr>${lr * 2}`)).toBe(false);
    expect(matchesQuery(run, `val_loss<=${run.best.val_loss.value}`)).toBe(
      true
    );
    const overfit = sweep.runs.filter(r => matchesQuery(r, 'overfitting'));
    expect(overfit.length).toBe(sweep.findingGroups![0].count);
    // Every word must match.
    expect(matchesQuery(run, 'trial-7 nothing-like-it')).toBe(false);
  });

  it('keeps runs inside every brushed range, and the ticked ones', () => {
    const lr = (r: (typeof sweep.runs)[number]) => r.params.lr as number;
    const filter = {
      ...NO_FILTER,
      brushes: { 'param:lr': { value: lr, ranges: [[1e-3, 1e-2]] } },
      hidden: new Set([run.id])
    } as typeof NO_FILTER;
    const drawn = drawnRuns(sweep.runs, filter);
    expect(drawn.length).toBeGreaterThan(10);
    expect(drawn.every(r => lr(r) >= 1e-3 && lr(r) <= 1e-2)).toBe(true);
    expect(drawn).not.toContain(run);
  });

  it('keeps each run its colour whatever is filtered out', () => {
    const all = sweepScene(sweep, NO_FILTER, null, palette);
    const some = sweepScene(
      sweep,
      { ...NO_FILTER, query: 'width=64' },
      null,
      palette
    );
    expect(some.drawn.length).toBeLessThan(200);
    for (const r of some.drawn) {
      expect(some.colors.get(r.id)).toBe(all.colors.get(r.id));
    }
    expect(some.listed.size).toBe(some.drawn.length);
  });
});

describe('a sweep on the charts', () => {
  const scene = sweepScene(sweep, NO_FILTER, null, palette);
  const specs = buildCharts(sweep, {
    theme: LIGHT_THEME,
    animation: false,
    findings: true,
    colors: scene.colors,
    sweep: {
      drawn: new Set(scene.drawn.map(r => r.id)),
      strong: scene.strong
    }
  });
  const loss = specs[0];
  const series = loss.option.series as LineSeriesOption[];

  it('draws the best k one by one and bundles the rest faint', () => {
    const own = series.filter(s => !String(s.id).startsWith(FAINT));
    const faint = series.filter(s => String(s.id).startsWith(FAINT));
    expect(own).toHaveLength(5 * 2);
    // One faint series per metric and colour, not per run.
    expect(faint.length).toBeLessThanOrEqual(2 * palette.length);
    expect(faint.every(s => s.silent && s.tooltip?.show === false)).toBe(true);
    expect(faint.every(s => s.sampling === undefined)).toBe(true);
    expect(loss.traced).toHaveLength(200 * 2);
  });

  it('has no legend, no shaded findings, one best label', () => {
    expect((loss.option.legend as { show: boolean }).show).toBe(false);
    expect(series.some(s => s.markArea)).toBe(false);
    const labels = series.filter(s => s.markPoint?.label?.show !== false);
    const marked = labels.filter(s => s.markPoint);
    expect(marked).toHaveLength(1);
    expect(String(marked[0].id)).toContain(
      `${sweep.runs.find(r => r.rank === 1)!.id}\u0000val_loss`
    );
  });

  it('leave the x axis of other panels as it was', () => {
    // An `axisPointer: undefined` key breaks ECharts' axis drawing.
    const few = { ...sweep, runs: sweep.runs.slice(0, 3) };
    const [chart] = buildCharts(few, { theme: LIGHT_THEME, animation: false });
    expect('axisPointer' in (chart.option.xAxis as object)).toBe(false);
    expect((chart.option.legend as { show: boolean }).show).toBe(true);
  });

  it('lists only the strong runs’ validation curves in the tooltip', () => {
    const listed = series.filter(s => s.tooltip?.show !== false);
    expect(listed).toHaveLength(5);
    expect(listed.every(s => String(s.id).endsWith('\u0000val_loss'))).toBe(
      true
    );
  });

  it('finds the curve under the pointer', () => {
    const curves = [
      {
        runId: 'a',
        metric: 'loss',
        split: 'train' as const,
        points: [
          [1, 1],
          [3, 3]
        ] as [number, number][]
      },
      {
        runId: 'b',
        metric: 'loss',
        split: 'train' as const,
        points: [
          [1, 2],
          [3, 2]
        ] as [number, number | null][]
      }
    ];
    const pixel = (v: number) => 100 - 10 * v;
    // At x 2, a is at 2 and b at 2: a tie goes to the first; x 2.5: a 2.5.
    expect(nearestCurve(curves, 2.5, pixel, pixel(2.5))).toBe('a');
    expect(nearestCurve(curves, 1.2, pixel, pixel(2))).toBe('b');
    expect(nearestCurve(curves, 2, pixel, pixel(9))).toBeNull();
    expect(nearestCurve(curves, 5, pixel, pixel(2))).toBeNull();
  });
});

describe('colour by a param or metric', () => {
  const axes = sweepAxes(sweep.runs, focusOf(sweep));

  it('has an axis per param that differs, then the best value', () => {
    expect(axes.map(a => [a.key, a.type])).toEqual([
      ['param:lr', 'log'],
      ['param:weight_decay', 'category'],
      ['param:width', 'category'],
      ['best:val_loss', 'value']
    ]);
    expect(axes[2].categories).toEqual(['64', '128', '256', '512']);
  });

  it('maps lr on a log colour scale with decade ticks', () => {
    const scale = colorScale(axes[0], sweep.runs)!;
    expect(scale.log).toBe(true);
    const low = sweep.runs.reduce((a, b) =>
      (a.params.lr as number) < (b.params.lr as number) ? a : b
    );
    expect(scale.color(low)).toBe(COLOR_MAP[0]);
    expect(colorTicks(scale).map(t => t.text)).toEqual(
      expect.arrayContaining(['0.001', '0.01'])
    );
    expect(mapColor(1)).toBe(COLOR_MAP[COLOR_MAP.length - 1]);
    const scene = sweepScene(sweep, NO_FILTER, 'param:lr', palette);
    expect(scene.scale?.key).toBe('param:lr');
    expect(scene.colors.get(low.id)).toBe(COLOR_MAP[0]);
  });
});

describe('params against results', () => {
  const scene = sweepScene(sweep, NO_FILTER, null, palette);
  const look = {
    color: () => '#000000',
    drawn: new Set(scene.drawn.map(r => r.id)),
    strong: scene.strong
  };

  it('draws a parallel axis per param and the best value, a line per run', () => {
    const option = parallelOption(sweep.runs, scene.axes, look, LIGHT_THEME);
    const axes = option.parallelAxis as { id: string; type: string }[];
    expect(axes.map(a => a.id)).toEqual(scene.axes.map(a => a.key));
    const [series] = option.series as { type: string; data: unknown[] }[];
    expect(series.type).toBe('parallel');
    expect(series.data).toHaveLength(200);
  });

  it('scatters a param against the best value', () => {
    const [lr, , , best] = scene.axes;
    const option = scatterOption(sweep.runs, lr, best, look, LIGHT_THEME);
    const [series] = option.series as {
      type: string;
      data: { value: number[] }[];
    }[];
    expect(series.type).toBe('scatter');
    const run = sweep.runs[0];
    expect(series.data[0].value).toEqual([
      run.params.lr,
      run.best.val_loss.value
    ]);
  });
});

describe('findings of a sweep', () => {
  it('are grouped by kind, opening to the list', () => {
    const groups = groupFindings(sweep.runs, sweep.findingGroups);
    const node = renderFindingGroups(groups, () => undefined)!;
    const count = sweep.findingGroups![0].count;
    expect(node.querySelector('summary')!.textContent).toBe(
      `likely overfitting · ${count} of 200 runs`
    );
    expect(node.querySelectorAll('li')).toHaveLength(0);
    const details = node.querySelector('details')!;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    expect(node.querySelectorAll('li')).toHaveLength(count);
  });

  it('are grouped here when the payload does not say', () => {
    const plain = validatePayload(sweepPayload({ count: 30, plain: true }));
    const groups = groupFindings(plain.runs, plain.findingGroups);
    const overfit = plain.runs.filter(r => r.findings.length > 0);
    expect(groups.map(g => [g.kind, g.runs.length, g.of])).toEqual([
      ['overfitting', overfit.length, 30]
    ]);
  });
});

describe('the run table of a sweep', () => {
  it('is the legend: ranks, ticks, only the runs the search keeps', () => {
    const scene = sweepScene(
      sweep,
      { ...NO_FILTER, query: 'width=512' },
      null,
      palette
    );
    const ticked: [string, boolean][] = [];
    const table = renderTable(
      sweep,
      scene,
      { key: 'rank', descending: false },
      { sort: () => undefined, tick: (id, shown) => ticked.push([id, shown]) }
    );
    const rows = [
      ...table.querySelectorAll('tbody tr')
    ] as HTMLTableRowElement[];
    expect(rows).toHaveLength(scene.listed.size);
    const ranks = rows.map(tr => Number(tr.cells[1].textContent));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(rows[0].classList.contains('tc-strong')).toBe(true);
    const box = rows[0].querySelector('input')!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    expect(ticked).toEqual([[rows[0].dataset.runId, false]]);
    const titles = [...table.querySelectorAll('th')].map(th => th.textContent);
    expect(titles).toContain('findings');
  });
});

describe('the params charts follow the run highlighted elsewhere', () => {
  it('highlight its line and its point, and let go of the last one', () => {
    const fake = fakeECharts();
    const params = new ParamCharts({
      brush: () => undefined,
      hover: () => undefined
    });
    const scene = sweepScene(sweep, NO_FILTER, null, palette);
    params.update(fake.echarts, sweep, scene, LIGHT_THEME, 280);
    expect(fake.charts).toHaveLength(2);
    const run = sweep.runs[7];
    params.mark(run.id);
    for (const chart of fake.charts) {
      expect(chart.actions).toEqual([
        { type: 'downplay', seriesIndex: 0 },
        { type: 'highlight', seriesIndex: 0, dataIndex: 7 }
      ]);
    }
    params.mark(null);
    for (const chart of fake.charts) {
      expect(chart.actions.slice(2)).toEqual([
        { type: 'downplay', seriesIndex: 0 }
      ]);
    }
  });
});
