import { familiesOf, familyOf, splitOf } from '../src/metrics';

describe('metric names', () => {
  it.each([
    ['loss', 'loss', 'train'],
    ['val_loss', 'loss', 'validation'],
    ['val_accuracy', 'accuracy', 'validation'],
    ['train/acc', 'acc', 'train'],
    ['validation_f1', 'f1', 'validation'],
    ['test_loss', 'loss', 'test'],
    ['value_error', 'value_error', 'train']
  ])('%s is the %s family, %s split', (name, family, split) => {
    expect(familyOf(name)).toBe(family);
    expect(splitOf(name)).toBe(split);
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
