/**
 * How metric names are read, by the same rules as the Python package
 * (`python/traincurves/metrics.py`): `val_loss` is the validation curve of the
 * `loss` family, `train/acc` the training curve of `acc`.
 */

export type Split = 'train' | 'validation' | 'test';

const VALIDATION = /^(val|valid|validation|eval)[_/]/i;
const TRAIN = /^(train|training)[_/]/i;
const TEST = /^test[_/]/i;

export function splitOf(name: string): Split {
  if (VALIDATION.test(name)) {
    return 'validation';
  }
  return TEST.test(name) ? 'test' : 'train';
}

export function familyOf(name: string): string {
  return name.replace(VALIDATION, '').replace(TRAIN, '').replace(TEST, '');
}

const SCHEDULES = new Set(['lr', 'learning_rate']);

/**
 * Families in display order: loss first (read it first, with the metrics
 * beside it), then the others as logged, schedules such as `lr` last.
 */
export function familiesOf(
  metricNames: Iterable<string>
): Map<string, string[]> {
  const families = new Map<string, string[]>();
  for (const name of metricNames) {
    const family = familyOf(name);
    const members = families.get(family) ?? [];
    members.push(name);
    families.set(family, members);
  }
  const rank = (family: string): number =>
    family === 'loss' ? 0 : SCHEDULES.has(family.toLowerCase()) ? 2 : 1;
  return new Map([...families.entries()].sort(([a], [b]) => rank(a) - rank(b)));
}
