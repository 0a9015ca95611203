/**
 * How metric names are read, by the same rules as the Python package
 * (`python/traincurves/metrics.py`): `val_loss` is the validation curve of the
 * `loss` family, `train/acc` the training curve of `acc`. Payloads say where
 * each metric goes (`charts`); these rules place only what a payload does not
 * say: notebooks saved by older versions, runs added from other panels.
 */

import type { ChartPlan, Placement, RunPayload, Split } from './payload';

const VALIDATION = /^(val|valid|validation|eval)[_/]/i;
const TRAIN = /^(train|training)[_/]/i;
const TEST = /^test[_/]/i;
const PREFIXES: [RegExp, Split][] = [
  [VALIDATION, 'validation'],
  [TRAIN, 'train'],
  [TEST, 'test']
];
// Split words anywhere in a name with no split prefix: `Train Loss`,
// `ValAcc`, `reg_val_loss` (a Keras output named `reg`).
const SPLIT_WORDS: Record<string, Split> = {
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  eval: 'validation',
  test: 'test',
  train: 'train',
  training: 'train'
};

/**
 * [split, family] of a metric, as `metrics.role` reads it in Python: a split
 * prefix first, the rest kept as written; else a split word anywhere (`dev`
 * only leading); a bare split word has the family `''`.
 */
export function roleOf(name: string): [Split, string] {
  for (const [prefix, split] of PREFIXES) {
    const rest = name.replace(prefix, '');
    if (rest !== name) {
      return [split, rest];
    }
  }
  const words = name
    .replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_')
    .split(/[\s_/\-.:]+/)
    .filter(word => word !== '');
  for (let i = 0; i < words.length; i++) {
    const word = words[i].toLowerCase();
    const split = Object.prototype.hasOwnProperty.call(SPLIT_WORDS, word)
      ? SPLIT_WORDS[word]
      : i === 0 && word === 'dev'
        ? 'validation'
        : null;
    if (split !== null) {
      return [split, [...words.slice(0, i), ...words.slice(i + 1)].join('_')];
    }
  }
  return ['train', name];
}

export function splitOf(name: string): Split {
  return roleOf(name)[0];
}

export function familyOf(name: string): string {
  return roleOf(name)[1];
}

const SCHEDULES = new Set(['lr', 'learning_rate']);

/** Loss first (read it first, with the metrics beside it), schedules last. */
function rank(family: string): number {
  return family.toLowerCase() === 'loss'
    ? 0
    : SCHEDULES.has(family.toLowerCase())
      ? 2
      : 1;
}

/** Families in display order, each with its metrics, by the name rules. */
export function familiesOf(
  metricNames: Iterable<string>
): Map<string, string[]> {
  const names = [...metricNames];
  return new Map(
    planFrom(null, names, placements(null, names)).map(chart => [
      chart.family,
      chart.metrics.map(m => m.name)
    ])
  );
}

/** Where each of `names` goes: as `charts` place it, else by its name. */
export function placements(
  charts: ChartPlan[] | null,
  names: string[]
): Record<string, Placement> {
  const said = new Map<string, Placement>();
  for (const chart of charts ?? []) {
    for (const { name, split, color, member } of chart.metrics) {
      said.set(name, {
        family: chart.family,
        split,
        color,
        key: chart.key,
        member
      });
    }
  }
  const placed: Record<string, Placement> = {};
  for (const name of names) {
    placed[name] = said.get(name) ?? {
      family: familyOf(name),
      split: splitOf(name),
      color: null,
      key: true,
      member: null
    };
  }
  return placed;
}

function planFrom(
  charts: ChartPlan[] | null,
  names: string[],
  placed: Record<string, Placement>
): ChartPlan[] {
  const wanted = new Set(names);
  const plan: ChartPlan[] = (charts ?? []).map(chart => ({
    ...chart,
    metrics: chart.metrics.filter(m => wanted.has(m.name))
  }));
  const byFamily = new Map(plan.map(chart => [chart.family, chart]));
  const added: ChartPlan[] = [];
  const inPlan = new Set(plan.flatMap(chart => chart.metrics.map(m => m.name)));
  for (const name of names.filter(n => !inPlan.has(n))) {
    const { family, split, color, member } = placed[name];
    let chart = byFamily.get(family);
    if (!chart) {
      chart = {
        family,
        title: family,
        metrics: [],
        key: true,
        shown: true,
        group: rank(family) === 2 ? 'system' : null
      };
      byFamily.set(family, chart);
      added.push(chart);
    }
    chart.metrics.push({ name, split, member, color });
  }
  for (const chart of added.filter(c => c.family === '')) {
    // bare split names (`train`, `val`) have no family word
    chart.title = chart.metrics.map(m => m.name).join(' / ');
  }
  // The writer's order stays; charts it did not plan follow, by rank (a
  // stable sort: in order of appearance within a rank).
  added.sort((a, b) => rank(a.family) - rank(b.family));
  return [...plan, ...added].filter(chart => chart.metrics.length > 0);
}

/**
 * The panel's charts: the payload's plan, with any metric it does not place
 * (a run added from another panel) where that run places it. `shown`: only
 * these metrics (`view.metrics`).
 */
export function planCharts(
  charts: ChartPlan[] | null,
  runs: RunPayload[],
  shown: string[] | null = null
): ChartPlan[] {
  const placed: Record<string, Placement> = {};
  for (const run of runs) {
    for (const [name, place] of Object.entries(run.placed)) {
      placed[name] ??= place;
    }
  }
  const names = Object.keys(placed).filter(m => !shown || shown.includes(m));
  return planFrom(charts, names, placed);
}
