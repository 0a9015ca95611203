import type { LineSeriesOption } from 'echarts';

import {
  buildCharts,
  Controls,
  curve,
  nonfiniteLookup,
  nonfiniteStarts,
  packPoints,
  RAW,
  seriesId
} from '../src/options';
import { validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { historyFixture, onePayload } from './fixtures';

function charts(stem: string, controls: Controls = RAW) {
  const payload = validatePayload(historyFixture(stem).payload);
  return {
    payload,
    specs: buildCharts(payload, {
      theme: LIGHT_THEME,
      animation: false,
      controls
    })
  };
}

function series(spec: { option: { series?: unknown } }): LineSeriesOption[] {
  return spec.option.series as LineSeriesOption[];
}

/** A series' [x, y] points, read back from the packed pairs ECharts gets. */
function points(line: LineSeriesOption | undefined): [number, number | null][] {
  const flat = Array.from(line!.data as unknown as Float64Array);
  const out: [number, number | null][] = [];
  for (let i = 0; i < flat.length; i += 2) {
    out.push([flat[i], Number.isNaN(flat[i + 1]) ? null : flat[i + 1]]);
  }
  return out;
}

/** The ys of some points, each checked to a few digits where not null. */
function expectYs(found: [number, number | null][], ys: (number | null)[]) {
  expect(found).toHaveLength(ys.length);
  found.forEach(([, y], i) => {
    if (ys[i] === null) {
      expect(y).toBeNull();
    } else {
      expect(y).toBeCloseTo(ys[i]!, 6);
    }
  });
}

describe('buildCharts', () => {
  it('puts train and validation of a metric on one chart per family', () => {
    const { specs } = charts('basic');
    expect(specs.map(s => s.family)).toEqual(['loss', 'accuracy']);
    expect(series(specs[0]).map(s => s.name)).toEqual(['loss', 'val_loss']);
    expect(series(specs[1]).map(s => s.name)).toEqual([
      'accuracy',
      'val_accuracy'
    ]);
  });

  it('draws validation dashed in its own colour', () => {
    const [loss] = charts('basic').specs;
    const [train, validation] = series(loss);
    expect(train.lineStyle?.type).toBe('solid');
    expect(validation.lineStyle?.type).toBe('dashed');
    expect(train.color).toBe(LIGHT_THEME.train);
    expect(validation.color).toBe(LIGHT_THEME.validation);
  });

  it('marks the best epoch of validation metrics only', () => {
    const [loss, accuracy] = charts('basic').specs;
    const [train, validation] = series(loss);
    expect(train.markPoint).toBeUndefined();
    expect(validation.markPoint?.data).toEqual([
      { name: 'best', coord: [8, 0.3957] }
    ]);
    expect(series(accuracy)[1].markPoint?.data).toEqual([
      { name: 'best', coord: [9, 0.8917] }
    ]);
  });

  it('labels a best on the open side of its point', () => {
    const positions = (best: Record<string, unknown>) =>
      buildCharts(
        onePayload(
          {
            val_loss: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0.5],
            val_accuracy: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
          },
          { best }
        ),
        {
          theme: LIGHT_THEME,
          animation: false,
          controls: RAW
        }
      ).map(spec => {
        const label = series(spec)[0].markPoint?.label as {
          position?: string;
          align?: string;
          textBorderColor?: string;
        };
        // haloed in the background's colour: legible where a curve crosses
        expect(label.textBorderColor).toBe(LIGHT_THEME.background);
        return `${label.position} ${label.align}`;
      });
    // above a minimum, below a maximum: inside the chart
    expect(
      positions({
        val_loss: { epoch: 4, value: 6, mode: 'min' },
        val_accuracy: { epoch: 4, value: 0.4, mode: 'max' }
      })
    ).toEqual(['top center', 'bottom center']);
    // near the right edge the same side, ending at the point: beside it,
    // the label would sit on the curve coming in from the left
    expect(
      positions({
        val_loss: { epoch: 10, value: 0.5, mode: 'min' },
        val_accuracy: { epoch: 10, value: 0.95, mode: 'max' }
      })
    ).toEqual(['top right', 'bottom right']);
  });

  it('gives custom metrics their own chart and schedules no best', () => {
    const { specs } = charts('custom_metrics');
    expect(specs.map(s => s.family)).toEqual(['loss', 'auc', 'learning_rate']);
    expect(series(specs[2])[0].markPoint).toBeUndefined();
  });

  it('joins validation values logged every k epochs', () => {
    const { payload, specs } = charts('uneven');
    const joined = [
      [2, 0.75],
      [4, 0.5],
      [6, 0.42],
      [8, 0.39]
    ];
    expect(curve(payload.runs[0], 'val_loss', RAW)).toEqual({
      raw: joined,
      shown: joined
    });
    const [loss, valLoss] = series(specs[0]);
    expect(points(valLoss)).toEqual(joined);
    expect(points(loss)).toHaveLength(8);
  });

  it('breaks the line at NaN/inf and marks where it started', () => {
    const { payload, specs } = charts('nonfinite');
    const run = payload.runs[0];
    const { raw, shown } = curve(run, 'loss', RAW);
    expect(raw.slice(3)).toEqual([
      [4, 80.2],
      [5, null],
      [6, null],
      [7, null]
    ]);
    expect(shown).toEqual(raw);
    const [loss, valLoss] = series(specs[0]);
    expect(points(loss)).toEqual(raw);
    expect(points(valLoss)).toEqual([
      [1, 2.2],
      [2, 2],
      [3, null],
      [4, 95],
      [5, 1200],
      [6, null],
      [7, null]
    ]);
    expect(loss.connectNulls).toBe(false);
    expect(loss.markLine?.data).toEqual([{ xAxis: 5, name: 'inf @ 5' }]);
    expect(valLoss.markLine?.data).toEqual([
      { xAxis: 3, name: 'nan @ 3' },
      { xAxis: 6, name: 'nan @ 6' }
    ]);
    const lookup = nonfiniteLookup(payload);
    expect(lookup(loss.id as string, 6)).toBe('nan');
    expect(lookup(loss.id as string, 4)).toBeUndefined();
  });

  it('keeps hostile names as plain series names', () => {
    const { specs } = charts('hostile_names');
    const names = specs.flatMap(s => series(s).map(x => x.name));
    expect(names).toContain('<img src=x onerror="window.__pwned=1">');
  });

  it('gives series ids that are stable across updates', () => {
    const first = charts('basic').specs;
    const second = charts('basic').specs;
    expect(series(first[0]).map(s => s.id)).toEqual(
      series(second[0]).map(s => s.id)
    );
  });

  it('animates only when asked', () => {
    const payload = validatePayload(historyFixture('basic').payload);
    const [on] = buildCharts(payload, { theme: LIGHT_THEME, animation: true });
    expect(on.option.animation).toBe(true);
    expect(charts('basic').specs[0].option.animation).toBe(false);
  });
});

describe('curve: what the controls do to a line', () => {
  const run = (stem: string) =>
    validatePayload(historyFixture(stem).payload).runs[0];

  it('smooths over the logged values only, the raw points kept', () => {
    const { raw, shown } = curve(run('uneven'), 'val_loss', {
      ...RAW,
      smoothing: 0.5
    });
    expect(raw).toEqual([
      [2, 0.75],
      [4, 0.5],
      [6, 0.42],
      [8, 0.39]
    ]);
    expect(shown.map(([x]) => x)).toEqual([2, 4, 6, 8]);
    // Debiased EMA, w = 0.5: 0.75; (0.375/2 + 0.25)/0.75; ...
    expectYs(shown, [0.75, 0.4375 / 0.75, 0.42875 / 0.875, 0.409375 / 0.9375]);
  });

  it('keeps NaN/inf as gaps when smoothing, and they do not feed it', () => {
    const { raw, shown } = curve(run('nonfinite'), 'val_loss', {
      ...RAW,
      smoothing: 0.5
    });
    expect(shown.map(([x]) => x)).toEqual(raw.map(([x]) => x));
    // 2.2, 2, nan, 95, 1200, nan, nan
    expectYs(shown, [
      2.2,
      1.55 / 0.75,
      null,
      48.275 / 0.875,
      624.1375 / 0.9375,
      null,
      null
    ]);
  });

  it('draws the smoothed line and the raw one faint behind it', () => {
    const controls = { ...RAW, smoothing: 0.5 };
    const { payload, specs } = charts('uneven', controls);
    const id = seriesId(payload.runs[0], 'val_loss');
    const all = series(specs[0]);
    const line = all.find(s => s.id === id);
    const faint = all.find(s => s.id === `${id}\u0000raw`);
    const { raw, shown } = curve(payload.runs[0], 'val_loss', controls);
    expect(points(line)).toEqual(shown);
    expect(points(faint)).toEqual(raw);
    expect(faint?.name).toBe('val_loss');
    expect(faint?.lineStyle).toMatchObject({ opacity: 0.3, type: 'dashed' });
    expect(faint?.silent).toBe(true);
    // no smoothing: no faint copy
    expect(
      series(charts('uneven').specs[0]).filter(s =>
        String(s.id).endsWith('\u0000raw')
      )
    ).toEqual([]);
  });

  it('delta is the change since the previous logged value, gaps kept', () => {
    const { raw, shown } = curve(run('nonfinite'), 'val_loss', {
      ...RAW,
      delta: true
    });
    expect(shown).toEqual(raw);
    expect(raw.map(([x]) => x)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expectYs(raw, [null, -0.2, null, 93, 1105, null, null]);
  });

  it('smooths the change, not the change of the smoothed values', () => {
    const { raw, shown } = curve(run('uneven'), 'val_loss', {
      ...RAW,
      delta: true,
      smoothing: 0.5
    });
    expectYs(raw, [null, -0.25, -0.08, -0.03]);
    expectYs(shown, [null, -0.25, -0.1025 / 0.75, -0.06625 / 0.875]);
  });

  it('puts the points on steps or seconds', () => {
    const timed = {
      ...run('uneven'),
      steps_per_epoch: 10,
      time: [3, 6, 9, null, 15, 18, 21, 24]
    };
    expect(curve(timed, 'val_loss', { ...RAW, xAxis: 'step' }).shown).toEqual([
      [20, 0.75],
      [40, 0.5],
      [60, 0.42],
      [80, 0.39]
    ]);
    // epoch 4 has no time: it has no place on this axis
    expect(curve(timed, 'val_loss', { ...RAW, xAxis: 'time' }).raw).toEqual([
      [6, 0.75],
      [18, 0.42],
      [24, 0.39]
    ]);
  });

  it('draws lines, best and batches on the step axis', () => {
    const { specs } = charts('early_stop_batches', { ...RAW, xAxis: 'step' });
    const [loss, valLoss, batch] = series(specs[0]);
    expect(points(loss).map(([x]) => x)).toEqual([4, 8, 12, 16, 20, 24]);
    expect(valLoss.markPoint?.data).toEqual([
      { name: 'best', coord: [16, 0.66] }
    ]);
    expect(points(batch).slice(3, 4)).toEqual([[4, 1.0]]);
  });

  it('samples only lines longer than maxPoints', () => {
    const payload = validatePayload(historyFixture('basic').payload);
    const sampling = (maxPoints: number) =>
      series(
        buildCharts(payload, {
          theme: LIGHT_THEME,
          animation: false,
          maxPoints
        })[0]
      ).map(s => s.sampling);
    expect(sampling(11)).toEqual(['lttb', 'lttb']);
    expect(sampling(12)).toEqual([undefined, undefined]);
  });
});

describe('live runs', () => {
  it('draws the batch curve faint on its family chart, on the epoch axis', () => {
    const { specs } = charts('early_stop_batches');
    const [loss, valLoss, batch] = series(specs[0]);
    expect([loss.name, valLoss.name, batch.name]).toEqual([
      'loss',
      'val_loss',
      'loss (batch)'
    ]);
    expect(batch.showSymbol).toBe(false);
    expect(batch.lineStyle?.opacity).toBeLessThan(1);
    const data = Array.from(batch.data as unknown as Float64Array);
    expect(data.slice(6, 8)).toEqual([1, 1.0]);
    expect(data.slice(44, 46)).toEqual([5.75, NaN]);
  });

  it('marks where early stopping fired', () => {
    const { specs } = charts('early_stop_batches');
    const [loss] = series(specs[0]);
    expect(
      (loss.markLine?.data as { xAxis: number; name: string }[]).map(d => [
        d.xAxis,
        d.name
      ])
    ).toEqual([[6, 'early stop @ 6']]);
  });
});

describe('ranks', () => {
  it('draw the min-max band of a metric across ranks behind its line', () => {
    const payload = validatePayload(historyFixture('uneven').payload);
    const run = payload.runs[0];
    run.bands = {
      loss: {
        low: run.metrics.loss.map(v => (v === null ? null : v - 0.1)),
        high: run.metrics.loss.map(v => (v === null ? null : v + 0.1))
      }
    };
    const [loss] = buildCharts(payload, {
      theme: LIGHT_THEME,
      animation: false
    });
    const series = loss.option.series as LineSeriesOption[];
    const [low, high] = series.filter(s => s.stack);
    expect(low.stack).toBe(high.stack);
    // a negative low still carries the spread: both stack whatever the sign
    expect(low.stackStrategy).toBe('all');
    expect(high.stackStrategy).toBe('all');
    expect(low.name).toBe('loss');
    expect(high.areaStyle?.opacity).toBeGreaterThan(0);
    expect((low.data as number[][])[0]).toEqual([1, 0.8]);
    expect((high.data as number[][])[0][1]).toBeCloseTo(0.2);
  });
});

describe('packPoints', () => {
  it('flattens x, y pairs with NaN for gaps', () => {
    expect(
      Array.from(
        packPoints([
          [1, 0.5],
          [2, null]
        ])
      )
    ).toEqual([1, 0.5, 2, NaN]);
  });
});

describe('nonfiniteStarts', () => {
  it('keeps the first epoch of each run of NaN/inf', () => {
    expect(
      nonfiniteStarts([
        [3, 'nan'],
        [4, 'nan'],
        [9, 'inf'],
        [10, 'nan']
      ])
    ).toEqual([
      [3, 'nan'],
      [9, 'inf']
    ]);
  });
});
