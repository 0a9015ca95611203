import type { LineSeriesOption } from 'echarts';

import {
  buildCharts,
  nonfiniteLookup,
  nonfiniteStarts,
  packPoints,
  seriesData
} from '../src/options';
import { validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { historyFixture } from './fixtures';

function charts(stem: string) {
  const payload = validatePayload(historyFixture(stem).payload);
  return {
    payload,
    specs: buildCharts(payload, { theme: LIGHT_THEME, animation: false })
  };
}

function series(spec: { option: { series?: unknown } }): LineSeriesOption[] {
  return spec.option.series as LineSeriesOption[];
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

  it('gives custom metrics their own chart and schedules no best', () => {
    const { specs } = charts('custom_metrics');
    expect(specs.map(s => s.family)).toEqual(['loss', 'auc', 'learning_rate']);
    expect(series(specs[2])[0].markPoint).toBeUndefined();
  });

  it('joins validation values logged every k epochs', () => {
    const { payload } = charts('uneven');
    expect(seriesData(payload.runs[0], 'val_loss')).toEqual([
      [2, 0.75],
      [4, 0.5],
      [6, 0.42],
      [8, 0.39]
    ]);
  });

  it('breaks the line at NaN/inf and marks where it started', () => {
    const { payload, specs } = charts('nonfinite');
    const run = payload.runs[0];
    expect(seriesData(run, 'loss').slice(3)).toEqual([
      [4, 80.2],
      [5, null],
      [6, null],
      [7, null]
    ]);
    const [loss, valLoss] = series(specs[0]);
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
