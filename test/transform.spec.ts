import type { LineSeriesOption } from 'echarts';

import { toCSV } from '../src/export';
import { buildCharts, curve, findingSpan, RAW } from '../src/options';
import { validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { delta, logProblem, smooth, xAxisProblem, xOf } from '../src/transform';
import { historyFixture } from './fixtures';

const run = (stem: string) =>
  validatePayload(historyFixture(stem).payload).runs[0];

describe('smooth', () => {
  it('is the debiased exponential moving average', () => {
    // w = 0.5: 1; (0.5*0.5 + 0.5*3)/(1-0.25) = 7/3; ...
    const out = smooth([1, 3, 5], 0.5) as number[];
    expect(out[0]).toBeCloseTo(1);
    expect(out[1]).toBeCloseTo(7 / 3);
    // EMA before debiasing: 0.5, 1.75, 3.375; divided by 1 - 0.5^k
    expect(out[2]).toBeCloseTo(3.375 / 0.875);
  });

  it('keeps gaps and is raw at 0', () => {
    expect(smooth([1, null, NaN, 3], 0.9).slice(1, 3)).toEqual([null, null]);
    expect(smooth([1, 2], 0)).toEqual([1, 2]);
  });
});

describe('delta', () => {
  it('is the change since the previous logged value', () => {
    expect(delta([1, 3, null, 2])).toEqual([null, 2, null, -1]);
  });
});

describe('x axis and log scale', () => {
  it('maps epochs to steps and seconds when known', () => {
    const r = { ...run('basic'), steps_per_epoch: 10, time: [5, 10, 15] };
    expect(xOf(r, 2, 1, 'step')).toBe(20);
    expect(xOf(r, 2, 1, 'time')).toBe(10);
    expect(xAxisProblem([run('basic')], 'time')).toBe(
      'epoch times are not known for every run'
    );
    expect(xAxisProblem([r], 'step')).toBeNull();
  });

  it('says why log scale cannot show values <= 0', () => {
    expect(logProblem([{ name: 'delta', points: [[1, -0.5]] }])).toBe(
      'log scale needs positive values: delta has values ≤ 0'
    );
    expect(
      logProblem([
        {
          name: 'loss',
          points: [
            [1, 0.5],
            [2, null]
          ]
        }
      ])
    ).toBeNull();
  });
});

describe('controls in the chart options', () => {
  const payload = validatePayload(historyFixture('basic').payload);
  const build = (controls = RAW) =>
    buildCharts(payload, { theme: LIGHT_THEME, animation: false, controls });

  it('smoothing draws the smoothed line and the raw one faint', () => {
    const series = build({ ...RAW, smoothing: 0.6 })[0].option
      .series as LineSeriesOption[];
    const names = series.map(s => [s.name, s.lineStyle?.opacity ?? 1]);
    expect(names).toEqual([
      ['loss', 1],
      ['val_loss', 1],
      ['loss', 0.3],
      ['val_loss', 0.3]
    ]);
    const { shown, raw } = curve(payload.runs[0], 'loss', {
      ...RAW,
      smoothing: 0.6
    });
    expect(raw[1][1]).toBe(0.9121);
    expect(shown[1][1]).not.toBe(0.9121);
  });

  it('delta view draws changes around a zero line, without best markers', () => {
    const [loss] = build({ ...RAW, delta: true });
    const [train, val] = loss.option.series as LineSeriesOption[];
    const data = Array.from(train.data as unknown as Float64Array);
    expect(data.slice(0, 4)).toEqual([1, NaN, 2, 0.9121 - 1.6034]);
    expect(val.markPoint).toBeUndefined();
    expect(train.markLine?.data).toContainEqual({ yAxis: 0, name: '' });
    expect(loss.logProblem).toMatch(/values ≤ 0/);
  });

  it('log y switches the axis type when every value is positive', () => {
    const [loss] = build({ ...RAW, logY: true });
    expect((loss.option.yAxis as { type: string }).type).toBe('log');
  });

  it('shades findings when asked', () => {
    const overfit = validatePayload(historyFixture('overfitting').payload);
    const [loss] = buildCharts(overfit, {
      theme: LIGHT_THEME,
      animation: false,
      findings: true
    });
    const area = (loss.option.series as LineSeriesOption[])[0].markArea;
    expect(area?.data).toHaveLength(1);
    expect(
      (area?.data as { name?: string; xAxis: number }[][])[0][0]
    ).toMatchObject({
      name: 'overfitting',
      xAxis: 8
    });
  });

  it('gives a finding of one epoch a band halfway to its neighbours', () => {
    const run = validatePayload(historyFixture('overfitting').payload).runs[0];
    const [first, second, third] = run.epochs;
    expect(findingSpan(run, second, second)).toEqual([
      (first + second) / 2,
      (second + third) / 2
    ]);
    const last = run.epochs[run.epochs.length - 1];
    const gap = last - run.epochs[run.epochs.length - 2];
    expect(findingSpan(run, last, last)).toEqual([
      last - gap / 2,
      last + gap / 2
    ]);
    expect(findingSpan(run, second, third)).toEqual([second, third]);
  });
});

describe('toCSV', () => {
  it('writes one row per run and epoch, nan where the value was not finite', () => {
    const payload = validatePayload(historyFixture('nonfinite').payload);
    const lines = toCSV(payload).trim().split('\n');
    expect(lines[0]).toBe('run,epoch,time,loss,val_loss');
    expect(lines[3]).toBe('diverging,3,,4.5,nan');
    expect(lines[5]).toBe('diverging,5,,inf,1200');
    expect(lines).toHaveLength(8);
  });

  it('quotes names with commas and quotes', () => {
    const payload = validatePayload(historyFixture('hostile_names').payload);
    expect(toCSV(payload).split('\n')[0]).toBe(
      'run,epoch,time,loss,"<img src=x onerror=""window.__pwned=1"">","val_<img src=x onerror=""window.__pwned=1"">"'
    );
  });
});
