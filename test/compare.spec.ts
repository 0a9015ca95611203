import type { LineSeriesOption } from 'echarts';

import {
  comparisonTable,
  hashName,
  legendLabel,
  recolored,
  runColors,
  sortRows
} from '../src/compare';
import { buildCharts, curveLabels } from '../src/options';
import { Payload, RunPayload, validatePayload } from '../src/payload';
import { LIGHT_THEME } from '../src/theme';
import { historyFixture } from './fixtures';

function run(stem: string, name?: string, params = {}): RunPayload {
  const r = validatePayload(historyFixture(stem).payload).runs[0];
  return {
    ...r,
    id: `${stem}-${name ?? r.name}`,
    name: name ?? r.name,
    params,
    // Renamed: the colour its payload gave the fixture's name is not its.
    color: null
  };
}

function compared(...runs: RunPayload[]): Payload {
  return {
    version: 1,
    runs,
    view: { metrics: null },
    kernel: null,
    charts: null,
    focus: null,
    highlight: null,
    findingGroups: null
  };
}

const palette = LIGHT_THEME.runPalette;

describe('run colours', () => {
  it('are stable per run name, whatever the order', () => {
    const a = run('basic', 'adam');
    const b = run('uneven', 'sgd');
    const first = runColors([a, b], palette);
    const second = runColors([b, a], palette);
    expect(first.get(a.id)).toBe(second.get(a.id));
    expect(first.get(a.id)).toBe(palette[hashName('adam') % palette.length]);
  });

  it('never repeat within a panel', () => {
    const runs = Array.from({ length: 10 }, (_, i) => run('basic', `run-${i}`));
    expect(new Set(runColors(runs, palette).values()).size).toBe(10);
  });

  it('are the payload’s', () => {
    const own = { ...run('basic', 'adam'), color: '#123456' };
    expect(runColors([own], palette).get(own.id)).toBe('#123456');
  });

  it('of runs added from other panels are picked anew when they clash', () => {
    // Both payloads gave their run the same colour; the panel's own run
    // keeps it, the added one takes its name's slot among the free ones.
    const own = { ...run('basic', 'adam'), color: '#123456' };
    const other = { ...run('basic', 'rms'), color: '#abcdef' };
    const clash = { ...run('uneven', 'sgd'), color: '#123456' };
    const added = recolored([own], [other, clash]);
    expect(added.map(r => r.color)).toEqual(['#abcdef', null]);
    const colors = runColors([own, ...added], palette);
    expect(colors.get(clash.id)).toBe(
      palette[hashName('sgd') % palette.length]
    );
  });
});

describe('comparison charts', () => {
  const adam = run('basic', 'adam');
  const sgd = run('uneven', 'sgd');
  const specs = buildCharts(compared(adam, sgd), {
    theme: LIGHT_THEME,
    animation: false
  });

  it('draw each run in its colour, validation dashed', () => {
    const loss = specs[0].option.series as LineSeriesOption[];
    const colors = runColors([adam, sgd], palette);
    expect(loss.map(s => [s.color, s.lineStyle?.type])).toEqual([
      [colors.get(adam.id), 'solid'],
      [colors.get(adam.id), 'dashed'],
      [colors.get(sgd.id), 'solid'],
      [colors.get(sgd.id), 'dashed']
    ]);
  });

  it('label the legend with each run and its best value', () => {
    const loss = specs[0].option.series as LineSeriesOption[];
    expect([...new Set(loss.map(s => s.name))]).toEqual([
      'adam (best val_loss 0.3957 @ 8)',
      'sgd (best val_loss 0.39 @ 8)'
    ]);
    expect(legendLabel(adam, ['accuracy', 'val_accuracy'])).toBe(
      'adam (best val_accuracy 0.8917 @ 9)'
    );
    expect(curveLabels(compared(adam, sgd)).get(loss[3].id as string)).toBe(
      'sgd · val_loss'
    );
  });

  it('show a run only on the charts of metrics it logged', () => {
    const accuracy = specs.find(s => s.family === 'accuracy')!;
    const names = (accuracy.option.series as LineSeriesOption[]).map(
      s => s.name
    );
    expect(names.every(n => String(n).startsWith('adam'))).toBe(true);
  });

  it('focus one metric when the view asks', () => {
    const focused = buildCharts(
      { ...compared(adam, sgd), view: { metrics: ['val_loss'] } },
      { theme: LIGHT_THEME, animation: false }
    );
    expect(focused.map(s => s.family)).toEqual(['loss']);
    expect((focused[0].option.series as LineSeriesOption[]).length).toBe(2);
  });
});

describe('comparison table', () => {
  const a = run('basic', 'adam', { lr: 0.001, layers: 2 });
  const b = run('uneven', 'sgd', { lr: 0.1, layers: 2 });
  const table = comparisonTable(compared(a, b), r => r.status);

  it('has run, params, epochs, status, best and final columns', () => {
    expect(table.columns.map(c => c.title)).toEqual([
      'run',
      'lr',
      'layers',
      'epochs',
      'status',
      'best val_loss',
      'best val_accuracy',
      'final loss',
      'final accuracy',
      'final val_loss',
      'final val_accuracy'
    ]);
    const [adam, sgd] = table.rows.map(r => r.cells);
    expect(adam['best:val_loss'].text).toBe('0.3957 @ 8');
    expect(sgd['best:val_accuracy'].text).toBe('–');
    expect(sgd['epochs'].text).toBe('8');
  });

  it('highlights params that differ', () => {
    const [adam] = table.rows.map(r => r.cells);
    expect(adam['param:lr'].differs).toBe(true);
    expect(adam['param:layers'].differs).toBe(false);
  });

  it('sorts by a column, runs without a value last', () => {
    const byBest = sortRows(table, 'best:val_loss', false).map(r => r.runId);
    expect(byBest).toEqual([b.id, a.id]);
    expect(sortRows(table, 'best:val_loss', true).map(r => r.runId)).toEqual([
      a.id,
      b.id
    ]);
    expect(sortRows(table, 'best:val_accuracy', true)[1].runId).toBe(b.id);
    expect(sortRows(table, 'run', true).map(r => r.cells.run.text)).toEqual([
      'sgd',
      'adam'
    ]);
  });
});
