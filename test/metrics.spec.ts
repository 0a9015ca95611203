import { familiesOf, familyOf, planCharts, splitOf } from '../src/metrics';
import { validatePayload } from '../src/payload';
import { metricNames, onePayload } from './fixtures';

describe('metric names', () => {
  // the same list drives python/tests/test_presentation.py
  it.each(metricNames())(
    '%s is the %s family, %s split',
    (name, family, split) => {
      expect(familyOf(name)).toBe(family);
      expect(splitOf(name)).toBe(split);
    }
  );

  it('puts spelled-out names with their twins, bare split names together', () => {
    const families = familiesOf(['Train Loss', 'Valid Loss', 'train', 'val']);
    expect([...families.entries()]).toEqual([
      ['Loss', ['Train Loss', 'Valid Loss']],
      ['', ['train', 'val']]
    ]);
    const { runs } = onePayload({ train: [2], val: [3] });
    expect(planCharts(null, runs).map(chart => chart.title)).toEqual([
      'train / val'
    ]);
  });

  it('orders families loss first and schedules last', () => {
    const families = familiesOf([
      'lr',
      'accuracy',
      'loss',
      'val_accuracy',
      'val_loss',
      'auc'
    ]);
    expect([...families.keys()]).toEqual(['loss', 'accuracy', 'auc', 'lr']);
    expect(families.get('accuracy')).toEqual(['accuracy', 'val_accuracy']);
  });
});

describe('the charts a payload asks for', () => {
  const payload = validatePayload({
    version: 1,
    charts: [
      {
        family: 'error',
        title: 'error (%)',
        metrics: [
          { name: 'err', split: 'train' },
          { name: 'holdout_err', split: 'validation' }
        ]
      }
    ],
    runs: [
      {
        id: 'a',
        name: 'a',
        status: 'finished',
        epochs: [1],
        metrics: { err: [3], holdout_err: [4] }
      }
    ]
  });

  it('are drawn as the writer placed them, not by the name rules', () => {
    expect(payload.runs[0].placed.holdout_err).toEqual({
      family: 'error',
      split: 'validation',
      color: null,
      key: true,
      member: null
    });
    expect(planCharts(payload.charts, payload.runs)).toEqual([
      {
        family: 'error',
        title: 'error (%)',
        metrics: [
          { name: 'err', split: 'train', member: null, color: null },
          {
            name: 'holdout_err',
            split: 'validation',
            member: null,
            color: null
          }
        ],
        key: true,
        shown: true,
        group: null
      }
    ]);
  });

  it('take a run added from another panel by its own placements', () => {
    const added = onePayload(
      { loss: [1], holdout_err: [2] },
      { id: 'b', name: 'b' }
    ).runs[0];
    const plan = planCharts(payload.charts, [...payload.runs, added]);
    // The writer's charts first, as it ordered them; then the added ones.
    expect(plan.map(c => [c.title, c.metrics.map(m => m.name)])).toEqual([
      ['error (%)', ['err', 'holdout_err']],
      ['loss', ['loss']]
    ]);
  });
});
