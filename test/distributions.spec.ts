import type {
  BarSeriesOption,
  EChartsOption,
  HeatmapSeriesOption,
  LineSeriesOption
} from 'echarts';

import {
  cellTooltip,
  distributionCharts,
  distributionRows,
  formatShare,
  heatmapOption,
  histogramOption,
  latestFacts,
  niceGrid,
  quantileBandOption,
  quantileTooltip,
  rebin
} from '../src/distributions';
import { Distribution, QUANTILES, validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { historyFixture } from './fixtures';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function fixtureRun() {
  return validatePayload(historyFixture('distributions').payload).runs[0];
}

function fixtureDist(name: string): Distribution {
  return fixtureRun().distributions.find(d => d.name === name)!;
}

/** A distribution from per-epoch histograms; quantiles do not matter here. */
function histograms(
  epochs: [number | null, number | null, number[]][]
): Distribution {
  const quantiles = Object.fromEntries(
    QUANTILES.map(q => [q, epochs.map(() => 0)])
  ) as Distribution['quantiles'];
  return {
    name: 'dense',
    kind: 'activations',
    epochs: epochs.map((_, i) => i + 1),
    size: 4,
    quantiles,
    zeros: epochs.map(() => 0),
    nonfinite: epochs.map(() => 0),
    histogram: {
      low: epochs.map(([low]) => low),
      high: epochs.map(([, high]) => high),
      counts: epochs.map(([, , counts]) => counts)
    },
    hints: []
  };
}

function lines(option: EChartsOption): Map<string, LineSeriesOption> {
  return new Map(
    (option.series as LineSeriesOption[]).map(s => [String(s.id), s])
  );
}

function heatmapData(option: EChartsOption): number[][] {
  return (option.series as HeatmapSeriesOption[])[0].data as number[][];
}

describe('validatePayload with distributions', () => {
  it('reads the four distributions of the shared fixture', () => {
    const run = fixtureRun();
    expect(run.distributions.map(d => [d.name, d.kind])).toEqual([
      ['hidden', 'activations'],
      ['dying', 'activations'],
      ['logits', 'activations'],
      ['hidden/kernel', 'weights']
    ]);
    const dying = run.distributions[1];
    expect(dying.epochs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(dying.zeros[5]).toBe(0.875);
    expect(dying.histogram.counts[5][0]).toBe(21);
    expect(dying.hints.map(h => [h.kind, h.epoch])).toEqual([['dead', 6]]);
    expect(run.distributions[2].hints[0].kind).toBe('exploding');
  });

  it('gives an older payload without the field no distributions', () => {
    const payload = validatePayload(historyFixture('basic').payload);
    expect(payload.runs[0].distributions).toEqual([]);
  });
});

describe('niceGrid', () => {
  it('widens the range to round ticks and cuts rows that divide them', () => {
    const dying = niceGrid(0, 3.833, 40);
    expect(dying.tick).toBe(1);
    expect(dying.edges).toHaveLength(41);
    expect(dying.edges.slice(0, 3)).toEqual([0, 0.1, 0.2]);
    expect(dying.edges[40]).toBe(4);

    const logits = niceGrid(-58.788, 53.889, 40);
    expect(logits.tick).toBe(20);
    expect(logits.edges).toHaveLength(31);
    expect([logits.edges[0], logits.edges[1], logits.edges[30]]).toEqual([
      -60, -56, 60
    ]);

    const kernel = niceGrid(-0.75, 0.625, 40);
    expect(kernel.tick).toBe(0.3);
    expect([kernel.edges[0], kernel.edges[1], kernel.edges[30]]).toEqual([
      -0.9, -0.84, 0.9
    ]);
  });

  it('adds no row for a maximum on a tick', () => {
    expect(niceGrid(0, 2, 4)).toEqual({
      edges: [0, 0.5, 1, 1.5, 2],
      tick: 0.5
    });
  });

  it('is a single value when min equals max', () => {
    expect(niceGrid(3, 3, 40)).toEqual({ edges: [3, 3], tick: 0 });
  });
});

describe('rebin', () => {
  it('maps histograms over different ranges onto one grid', () => {
    const grid = rebin(
      histograms([
        [0, 1, [2, 2]], // [0, 0.5): 2, [0.5, 1]: 2
        [0, 2, [1, 3]], // [0, 1): 1, [1, 2]: 3
        [0.25, 1.25, [4]] // one bin across three rows
      ]),
      4
    )!;
    expect(grid.edges).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(grid.shares[0]).toEqual([0.5, 0.5, 0, 0]);
    // Each bin split in proportion to its overlap with the rows.
    expect(grid.shares[1]).toEqual([0.125, 0.125, 0.375, 0.375]);
    expect(grid.shares[2]).toEqual([0.25, 0.5, 0.25, 0]);
  });

  it('normalises every column to its own share', () => {
    const grid = rebin(fixtureDist('logits'))!;
    for (const column of grid.shares) {
      expect(column.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('leaves an epoch without finite values empty', () => {
    const grid = rebin(
      histograms([
        [0, 2, [1, 1]],
        [null, null, [0, 0]]
      ]),
      4
    )!;
    expect(grid.shares[1]).toEqual([0, 0, 0, 0]);
    expect(rebin(histograms([[null, null, [0, 0]]]))).toBeNull();
  });

  it('puts an epoch whose values are all equal in one row', () => {
    const grid = rebin(
      histograms([
        [0, 2, [1, 1]],
        [1.2, 1.2, [0, 5, 0]]
      ]),
      4
    )!;
    expect(grid.shares[1]).toEqual([0, 0, 1, 0]);
  });

  it('is one row when every epoch holds one and the same value', () => {
    const grid = rebin(
      histograms([
        [2, 2, [0, 8, 0]],
        [2, 2, [0, 8, 0]]
      ])
    )!;
    expect(grid).toEqual({ edges: [2, 2], shares: [[1], [1]], tick: 0 });
  });
});

describe('quantileBandOption', () => {
  it('draws the median and stacks the bands on their low quantile', () => {
    const dist = fixtureDist('logits');
    const series = lines(quantileBandOption(dist, LIGHT_THEME));
    const at = (values: (number | null)[]) =>
      dist.epochs.map((epoch, i) => [epoch, values[i]]);
    const q = dist.quantiles;
    expect(series.get('median')!.data).toEqual(at(q.p50));
    expect(series.get('min')!.data).toEqual(at(q.min));
    expect(series.get('max')!.data).toEqual(at(q.max));
    expect(series.get('p25-p75-low')!.data).toEqual(at(q.p25));
    expect(series.get('p25-p75')!.data).toEqual(
      at(q.p75.map((v, i) => v! - q.p25[i]!))
    );
    expect(series.get('p5-p95-low')!.data).toEqual(at(q.p5));
    expect(series.get('p5-p95')!.data).toEqual(
      at(q.p95.map((v, i) => v! - q.p5[i]!))
    );
    // The logits' low quantiles are negative: stacked whatever the sign.
    for (const id of ['p5-p95-low', 'p5-p95', 'p25-p75-low', 'p25-p75']) {
      expect(series.get(id)!.stackStrategy).toBe('all');
    }
    expect(series.get('p25-p75')!.stack).toBe('p25-p75');
    expect(series.get('p25-p75')!.areaStyle).toBeDefined();
  });

  it('keeps an epoch without finite values as a gap', () => {
    const dist = fixtureDist('hidden');
    dist.quantiles.p50[2] = null;
    dist.quantiles.p25[2] = null;
    const series = lines(quantileBandOption(dist, LIGHT_THEME));
    expect((series.get('median')!.data as unknown[])[2]).toEqual([3, null]);
    expect((series.get('p25-p75')!.data as unknown[])[2]).toEqual([3, null]);
  });

  it('marks the epochs of its hints', () => {
    const series = lines(quantileBandOption(fixtureDist('dying'), LIGHT_THEME));
    expect(series.get('median')!.markLine!.data).toEqual([
      { xAxis: 6, name: 'dead @ 6' }
    ]);
    const healthy = lines(
      quantileBandOption(fixtureDist('hidden'), LIGHT_THEME)
    );
    // Empty, not absent: an update must clear a hint that went away.
    expect(healthy.get('median')!.markLine!.data).toEqual([]);
  });

  it('lists every quantile and the zeros in its tooltip', () => {
    const dist = fixtureDist('dying');
    const html = quantileTooltip(dist, 5, 'dying');
    expect(html).toContain('dying · epoch 6');
    for (const text of ['max', '95 %', 'median', '5 %', 'min']) {
      expect(html).toContain(`>${text}<`);
    }
    expect(html).toContain('>0.5<'); // max at epoch 6
    expect(html).toContain('87.5 %');
    expect(quantileTooltip(dist, 6)).toBe('');
  });
});

describe('heatmapOption', () => {
  it('colours each cell by the epoch share on the common grid', () => {
    const dist = fixtureDist('dying');
    const option = heatmapOption(dist, LIGHT_THEME);
    const data = heatmapData(option);
    // [epoch index, row, colour value, share]; empty cells left out.
    expect(data.every(([, , , share]) => share > 0)).toBe(true);
    for (let i = 0; i < 6; i++) {
      const column = data.filter(([x]) => x === i);
      const sum = column.reduce((total, [, , , share]) => total + share, 0);
      expect(sum).toBeCloseTo(1, 12);
    }
    // Epoch 6: 21 of 24 values are zero, in the bottom row [0, 0.1).
    const zeros = data.find(([x, y]) => x === 5 && y === 0)!;
    expect(zeros[3]).toBeCloseTo(0.875, 12);
    expect(zeros[2]).toBeCloseTo(Math.sqrt(0.875), 12);
    const visualMap = option.visualMap as {
      min: number;
      max: number;
      dimension: number;
      text: string[];
    };
    expect(visualMap.dimension).toBe(2);
    expect(visualMap.min).toBe(0);
    expect(visualMap.max).toBeCloseTo(Math.sqrt(0.875), 12);
    expect(visualMap.text).toEqual(['87.5 %', '0 %']);
  });

  it('labels epochs on x and values on a round scale over the rows', () => {
    const option = heatmapOption(fixtureDist('logits'), LIGHT_THEME);
    expect((option.xAxis as { data: string[] }).data).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6'
    ]);
    const [rows, scale] = option.yAxis as {
      type: string;
      data?: string[];
      min?: number;
      max?: number;
      interval?: number;
    }[];
    expect(rows.type).toBe('category');
    expect(rows.data).toHaveLength(30);
    expect(rows.data![0]).toBe('-58');
    expect(scale).toMatchObject({
      type: 'value',
      min: -60,
      max: 60,
      interval: 20
    });
  });

  it('says range and share of a cell in its tooltip', () => {
    const dist = fixtureDist('dying');
    const grid = rebin(dist)!;
    const html = cellTooltip(dist, grid, 5, 0, 'dying');
    expect(html).toContain('dying · epoch 6');
    expect(html).toContain('0 – 0.1');
    expect(html).toContain('87.5 %');
  });
});

describe('one epoch: a snapshot', () => {
  it('is a histogram bar chart instead of a band and a heat map', () => {
    const fixture = fixtureDist('dying');
    expect(distributionCharts(fixture, LIGHT_THEME).map(c => c.slot)).toEqual([
      'band',
      'heatmap'
    ]);
    const snapshot = histograms([[0, 3, [2, 1, 1]]]);
    const charts = distributionCharts(snapshot, LIGHT_THEME);
    expect(charts.map(c => c.slot)).toEqual(['histogram']);
    const bars = (charts[0].option.series as BarSeriesOption[])[0];
    expect(bars.type).toBe('bar');
    // Each bin at its middle, its share of the epoch's values.
    expect(bars.data).toEqual([
      [0.5, 0.5],
      [1.5, 0.25],
      [2.5, 0.25]
    ]);
    expect(charts[0].option.xAxis).toMatchObject({ min: 0, max: 3 });
  });

  it('draws a constant tensor as one bar at its value', () => {
    const option = histogramOption(
      histograms([[2, 2, [0, 8, 0]]]),
      LIGHT_THEME
    );
    expect((option.series as BarSeriesOption[])[0].data).toEqual([[0, 1]]);
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['2'] });
  });
});

describe('names are escaped in tooltips', () => {
  const dist = { ...fixtureDist('dying'), name: HOSTILE };

  it.each([
    ['band', () => quantileTooltip(dist, 0, HOSTILE)],
    ['heat map', () => cellTooltip(dist, rebin(dist)!, 0, 0, HOSTILE)],
    [
      'histogram',
      () => {
        const one = { ...histograms([[0, 1, [1, 1]]]), name: HOSTILE };
        const tooltip = histogramOption(one, LIGHT_THEME, { label: HOSTILE })
          .tooltip as { formatter: (p: unknown) => string };
        return tooltip.formatter([{ dataIndex: 0 }]);
      }
    ]
  ])('%s', (_chart, html) => {
    const text = html();
    expect(text).toContain(
      '&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;'
    );
    expect(text).not.toContain('<img');
  });

  it('through the chart options too', () => {
    const [band, heatmap] = distributionCharts(dist, LIGHT_THEME, {
      label: HOSTILE
    });
    const format = (option: EChartsOption, params: unknown) =>
      (option.tooltip as { formatter: (p: unknown) => string }).formatter(
        params
      );
    expect(format(band.option, [{ dataIndex: 0 }])).not.toContain('<img');
    expect(format(heatmap.option, { value: [0, 0, 1, 1] })).not.toContain(
      '<img'
    );
  });
});

describe('rows and facts', () => {
  it('labels rows with the run when the panel shows several', () => {
    const run = fixtureRun();
    const other = { ...run, id: 'other', name: 'other run' };
    expect(distributionRows([run]).map(r => r.label)).toEqual([
      'hidden',
      'dying',
      'logits',
      'hidden/kernel'
    ]);
    const rows = distributionRows([run, other]);
    expect(rows).toHaveLength(8);
    expect(rows[4].label).toBe('other run · hidden');
    expect(new Set(rows.map(r => r.key)).size).toBe(8);
  });

  it('states the latest epoch, zeros and non-finite share', () => {
    const dist = fixtureDist('dying');
    expect(latestFacts(dist)).toEqual(['epoch 6', '87.5 % zeros', '24 values']);
    dist.nonfinite[5] = 0.25;
    expect(latestFacts(dist)).toContain('25 % non-finite');
  });

  it('formats shares', () => {
    expect(formatShare(0)).toBe('0 %');
    expect(formatShare(1)).toBe('100 %');
    expect(formatShare(0.041666)).toBe('4.17 %');
    expect(formatShare(0.0004)).toBe('< 0.1 %');
  });
});
