/**
 * The payload of `application/vnd.traincurves.v1+json`: its types and the
 * validator that turns untrusted JSON into them. `schema/payload.v1.json`
 * defines the format, field by field; the Python builder in
 * `python/traincurves/payload.py` writes it, and so may any other program.
 */

import schema from '../schema/payload.v1.json';
import { isObject, JsonSchema, kindOf, SchemaValidator } from './jsonSchema';
import { placements } from './metrics';

export const MIME_TYPE = 'application/vnd.traincurves.v1+json';
export const PAYLOAD_VERSION = 1;

export type Status =
  'running' | 'finished' | 'stopped_early' | 'interrupted' | 'failed';

export const STATUSES: readonly Status[] = [
  'running',
  'finished',
  'stopped_early',
  'interrupted',
  'failed'
];

export type Value = number | null;
export type NonFiniteKind = 'nan' | 'inf' | '-inf';

export interface Best {
  epoch: number;
  value: number;
  mode: 'min' | 'max';
}

export interface RunEvent {
  kind: string;
  epoch?: number;
  [key: string]: unknown;
}

export interface Progress {
  epoch: number;
  total: number | null;
  /** Seconds since the run started; null for a history without timing. */
  elapsed: number | null;
}

/** A diagnosis finding; epochs shown from 1, `end` inclusive. */
export interface Finding {
  kind: string;
  /** The name it is listed and shaded under (the kind, when not given). */
  label: string;
  severity: 'error' | 'warning' | 'info';
  metric: string;
  start: number;
  end: number;
  message: string;
  advice: string;
  /** How clear the evidence is (high when not given); the label says it. */
  confidence: 'high' | 'medium' | 'low';
  /** The numbers the finding rests on, by name; the message says them. */
  evidence: Record<string, number>;
}

/** Batch-level curves on a fractional-epoch x axis; maybe downsampled. */
export interface Batches {
  x: number[];
  metrics: Record<string, Value[]>;
  /** How many batch points the run holds (more than `x` when reduced). */
  count: number;
}

export type DistributionKind = 'activations' | 'weights' | 'gradients';

export const QUANTILES = [
  'min',
  'p5',
  'p25',
  'p50',
  'p75',
  'p95',
  'max'
] as const;

export type Quantile = (typeof QUANTILES)[number];

/** Something to look at in a layer: mostly dead, or exploding values. */
export interface DistributionHint {
  kind: string;
  /** Shown from 1, like the run's epochs. */
  epoch: number;
  message: string;
  advice: string;
}

/**
 * How one layer's activations (or one weight) are spread, per epoch: seven
 * quantiles, the shares of exact zeros and non-finite values, and a
 * histogram of equal bins over each epoch's own finite range. Every column
 * is aligned with `epochs`; null where an epoch had no finite value.
 */
export interface Distribution {
  name: string;
  kind: DistributionKind;
  epochs: number[];
  /** Values summarised per epoch (the latest epoch's). */
  size: number;
  quantiles: Record<Quantile, Value[]>;
  zeros: number[];
  nonfinite: number[];
  histogram: { low: Value[]; high: Value[]; counts: number[][] };
  hints: DistributionHint[];
}

export interface RunPayload {
  id: string;
  name: string;
  status: Status;
  params: Record<string, string | number | boolean | null>;
  /** Shown epoch numbers (1-based), the x of every metric column. */
  epochs: number[];
  /**
   * How many epochs the run has: more than `epochs` holds in a live update
   * of a very long panel, whose epoch curves are reduced until the last one.
   */
  epochCount: number;
  metrics: Record<string, Value[]>;
  time: Value[] | null;
  /** Batches per epoch, when known: the x axis in steps needs it. */
  steps_per_epoch: number | null;
  /** Spread across the ranks of a distributed run, aligned with epochs. */
  bands: Record<string, { low: Value[]; high: Value[] }>;
  nonfinite: Record<string, [number, NonFiniteKind][]>;
  best: Record<string, Best>;
  events: RunEvent[];
  findings: Finding[];
  batches: Batches | null;
  progress: Progress;
  /** Layer distributions; empty for runs without (and older payloads). */
  distributions: Distribution[];
  /** What the header says, decided by the writer (python/presentation.py). */
  text: RunText;
  /** Its colour in a comparison; null: the renderer picks one. */
  color: string | null;
  /** Each metric's chart and split, as the payload's charts place it. */
  placed: Record<string, Placement>;
  /** Its place among the panel's runs by the focus metric (1 = best). */
  rank: number | null;
}

export type Split = 'train' | 'validation' | 'test';

export interface Placement {
  family: string;
  split: Split;
  /** Its own colour (a member of a family group), or null. */
  color: string | null;
  /** On a key chart: shown in the header, not folded away. */
  key: boolean;
  /** In a family group (`iou_class_*`): the member it measures, or null. */
  member: string | null;
}

export interface PlannedMetric {
  name: string;
  split: Split;
  /** In a family group (`iou_class_*`): the member it measures. */
  member: string | null;
  color: string | null;
}

/** One chart of the panel: a metric family, its metrics in legend order. */
export interface ChartPlan {
  family: string;
  title: string;
  metrics: PlannedMetric[];
  /** Its metrics lead the header (the loss and the focus metric). */
  key: boolean;
  /** Drawn until the user picks charts. */
  shown: boolean;
  /** `system`: schedules, gradient norms, throughput; else null. */
  group: string | null;
}

export interface RunText {
  /** The status as people read it. */
  status: string;
  /** What the run did: epochs, where it stopped, how long it took. */
  done: string;
  /** While it runs towards a known end: where it is, the ETA; else null. */
  progress: string | null;
}

/** The metric a comparison's runs are ranked by, and which way is better. */
export interface Focus {
  metric: string;
  mode: 'min' | 'max';
}

/** The runs of a comparison that share a kind of finding. */
export interface FindingGroup {
  kind: string;
  label: string;
  severity: Finding['severity'];
  /** Ids of the runs with such a finding. */
  runs: string[];
  count: number;
  /** How many runs the panel compares. */
  of: number;
}

/** What the panel shows of its runs; absent means everything. */
export interface View {
  /** Only these metrics (`tc.compare(metric=...)`). */
  metrics: string[] | null;
}

export interface Payload {
  version: 1;
  runs: RunPayload[];
  view: View;
  /**
   * While a run is running: the session id of the kernel process that sends
   * this output's updates (null: not known, e.g. a payload written by hand).
   */
  kernel: string | null;
  /** The charts as the writer decided them; null: not said (older payloads). */
  charts: ChartPlan[] | null;
  /** What runs are ranked by; null: not said. */
  focus: Focus | null;
  /** How many best-ranked runs to draw strongly; null: all. */
  highlight: number | null;
  /** Findings grouped by kind across the runs; null: not said. */
  findingGroups: FindingGroup[] | null;
}

/** A payload that cannot be drawn; the message names the offending field. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

const validator = new SchemaValidator(schema as JsonSchema);

type Maybe<T> = T | null | undefined;

/** A distribution as the schema admits it (`hints` optional). */
interface DistributionIn extends Omit<Distribution, 'hints'> {
  hints?: Maybe<DistributionHint[]>;
}

/**
 * A run as the schema admits it: optional fields may be absent or null, and
 * objects may carry fields this version does not read.
 */
interface FindingIn extends Omit<Finding, 'label' | 'confidence' | 'evidence'> {
  label?: Maybe<string>;
  confidence?: Maybe<Finding['confidence']>;
  evidence?: Maybe<Record<string, number>>;
}

interface RunIn {
  id: string;
  name: string;
  status: Status;
  params?: Maybe<Record<string, unknown>>;
  epochs: number[];
  epoch_count?: number;
  metrics: Record<string, Value[]>;
  time?: Maybe<Value[]>;
  steps_per_epoch?: Maybe<number>;
  bands?: Maybe<Record<string, { low: Value[]; high: Value[] }>>;
  nonfinite?: Maybe<Record<string, [number, NonFiniteKind][]>>;
  best?: Maybe<Record<string, Best>>;
  events?: Maybe<RunEvent[]>;
  findings?: Maybe<FindingIn[]>;
  batches?: Maybe<Omit<Batches, 'count'> & { count?: Maybe<number> }>;
  progress?: Maybe<{
    epoch: number;
    total?: Maybe<number>;
    elapsed?: Maybe<number>;
  }>;
  distributions?: Maybe<DistributionIn[]>;
  text?: Maybe<{ status: string; done: string; progress?: Maybe<string> }>;
  color?: Maybe<string>;
  rank?: Maybe<number>;
}

interface PayloadIn {
  version: 1;
  runs: RunIn[];
  view?: Maybe<{ metrics?: Maybe<string[]> }>;
  kernel?: Maybe<string>;
  charts?: Maybe<
    {
      family: string;
      title?: Maybe<string>;
      metrics: {
        name: string;
        split: Split;
        member?: Maybe<string>;
        color?: Maybe<string>;
      }[];
      key?: Maybe<boolean>;
      shown?: Maybe<boolean>;
      group?: Maybe<string>;
    }[]
  >;
  focus?: Maybe<Focus>;
  highlight?: Maybe<number>;
  finding_groups?: Maybe<FindingGroup[]>;
}

// What the schema cannot say: every column is as long as the axis it is
// aligned with.
function aligned<T>(items: T[], path: string, length: number, along: string) {
  if (items.length !== length) {
    throw new PayloadError(
      `${path} has ${items.length} values but there are ${length} ${along}`
    );
  }
  return items;
}

function readDistribution(dist: DistributionIn, path: string): Distribution {
  const n = dist.epochs.length;
  const column = <T>(values: T[], where: string) =>
    aligned(values, `${path}.${where}`, n, 'epochs');
  const quantiles = {} as Distribution['quantiles'];
  for (const q of QUANTILES) {
    quantiles[q] = column(dist.quantiles[q], `quantiles.${q}`);
  }
  const { histogram } = dist;
  if (histogram.counts.length !== n) {
    throw new PayloadError(
      `${path}.histogram.counts has ${histogram.counts.length} rows but there are ${n} epochs`
    );
  }
  return {
    name: dist.name,
    kind: dist.kind,
    epochs: dist.epochs,
    size: dist.size,
    quantiles,
    zeros: column(dist.zeros, 'zeros'),
    nonfinite: column(dist.nonfinite, 'nonfinite'),
    histogram: {
      low: column(histogram.low, 'histogram.low'),
      high: column(histogram.high, 'histogram.high'),
      counts: histogram.counts
    },
    hints: (dist.hints ?? []).map(({ kind, epoch, message, advice }) => ({
      kind,
      epoch,
      message,
      advice
    }))
  };
}

function readRun(
  run: RunIn,
  path: string,
  charts: ChartPlan[] | null
): RunPayload {
  const { epochs } = run;
  const column = (values: Value[], where: string) =>
    aligned(values, `${path}${where}`, epochs.length, 'epochs');
  const byName = <T, U>(
    entries: Maybe<Record<string, T>>,
    read: (value: T, name: string) => U
  ): Record<string, U> => {
    const result: Record<string, U> = {};
    for (const [name, value] of Object.entries(entries ?? {})) {
      result[name] = read(value, name);
    }
    return result;
  };
  const key = (name: string) => `[${JSON.stringify(name)}]`;
  let batches: Batches | null = null;
  if (run.batches) {
    const { x } = run.batches;
    batches = {
      x,
      metrics: byName(run.batches.metrics, (values, name) =>
        aligned(
          values,
          `${path}.batches.metrics${key(name)}`,
          x.length,
          'batch points'
        )
      ),
      count: run.batches.count ?? x.length
    };
  }
  const progress = run.progress ?? { epoch: epochs[epochs.length - 1] ?? 0 };
  const epochCount = run.epoch_count ?? epochs.length;
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    params: byName(run.params, param =>
      param === null || ['string', 'number', 'boolean'].includes(typeof param)
        ? (param as string | number | boolean | null)
        : JSON.stringify(param)
    ),
    epochs,
    epochCount,
    metrics: byName(run.metrics, (values, name) =>
      column(values, `.metrics${key(name)}`)
    ),
    time: run.time ? column(run.time, '.time') : null,
    bands: byName(run.bands, ({ low, high }, name) => ({
      low: column(low, `.bands${key(name)}.low`),
      high: column(high, `.bands${key(name)}.high`)
    })),
    steps_per_epoch: run.steps_per_epoch ?? null,
    nonfinite: byName(run.nonfinite, entries =>
      entries.map(([epoch, kind]): [number, NonFiniteKind] => [epoch, kind])
    ),
    best: byName(run.best, ({ epoch, value, mode }) => ({
      epoch,
      value,
      mode
    })),
    events: run.events ?? [],
    findings: (run.findings ?? []).map(f => ({
      kind: f.kind,
      label: f.label ?? f.kind,
      severity: f.severity,
      metric: f.metric,
      start: f.start,
      end: f.end,
      message: f.message,
      advice: f.advice,
      confidence: f.confidence ?? 'high',
      evidence: f.evidence ?? {}
    })),
    batches,
    distributions: (run.distributions ?? []).map((d, i) =>
      readDistribution(d, `${path}.distributions[${i}]`)
    ),
    progress: {
      epoch: progress.epoch,
      total: progress.total ?? null,
      elapsed: progress.elapsed ?? null
    },
    text: run.text
      ? { ...run.text, progress: run.text.progress ?? null }
      : plainText(run, epochCount),
    color: run.color ?? null,
    rank: run.rank ?? null,
    placed: placements(charts, [
      ...Object.keys(run.metrics),
      ...Object.keys(run.batches?.metrics ?? {})
    ])
  };
}

/** The header of a payload that does not say (one written by hand). */
function plainText(run: RunIn, count: number): RunText {
  const snapshot = count === 0 && (run.distributions ?? []).length > 0;
  return {
    status: run.status.replace('_', ' '),
    done: snapshot
      ? 'layer snapshot'
      : `${count} epoch${count === 1 ? '' : 's'}`,
    progress: null
  };
}

/**
 * Check untrusted JSON against `schema/payload.v1.json`, then what the
 * schema cannot say (columns as long as their axis), and return it typed
 * with the defaults of its optional fields; or throw a PayloadError naming
 * the offending field.
 */
export function validatePayload(data: unknown): Payload {
  // Another version is not held to this version's schema: say what to do.
  if (isObject(data) && data.version !== PAYLOAD_VERSION) {
    throw new PayloadError(
      `payload.version is ${kindOf(data.version)}; this traincurves ` +
        `extension reads version ${PAYLOAD_VERSION}. Update the extension or ` +
        'the Python package so that both match.'
    );
  }
  const problem = validator.check(data, 'payload');
  if (problem !== null) {
    throw new PayloadError(problem);
  }
  const root = data as PayloadIn;
  const charts =
    root.charts?.map(chart => ({
      family: chart.family,
      title: chart.title ?? chart.family,
      metrics: chart.metrics.map(m => ({
        name: m.name,
        split: m.split,
        member: m.member ?? null,
        color: m.color ?? null
      })),
      key: chart.key ?? true,
      shown: chart.shown ?? true,
      group: chart.group ?? null
    })) ?? null;
  return {
    version: PAYLOAD_VERSION,
    runs: root.runs.map((run, i) => readRun(run, `payload.runs[${i}]`, charts)),
    view: { metrics: root.view?.metrics ?? null },
    kernel: root.kernel ?? null,
    charts,
    focus: root.focus
      ? { metric: root.focus.metric, mode: root.focus.mode }
      : null,
    highlight: root.highlight ?? null,
    findingGroups:
      root.finding_groups?.map(g => ({
        kind: g.kind,
        label: g.label,
        severity: g.severity,
        runs: g.runs,
        count: g.count,
        of: g.of
      })) ?? null
  };
}

/**
 * Where a live panel began (the payload's `origin`): the display its updates
 * carry, the notebook cell and execution that show it, the kernel process.
 */
export interface Origin {
  display: string;
  cell: string;
  /** The execution's count in its kernel ("In [n]"). */
  execution: number;
  /** The kernel process's session id; null: unknown. */
  kernel: string | null;
}

/**
 * The `origin` of a payload, or null when it has none or a malformed one.
 * Read on its own, without validating the whole payload: a page reads it
 * from every display message of its kernel, and the renderer validates the
 * payloads it draws.
 */
export function readOrigin(data: unknown): Origin | null {
  const origin = isObject(data) ? data.origin : undefined;
  if (!isObject(origin)) {
    return null;
  }
  const { display, cell, execution, kernel } = origin;
  if (
    typeof display !== 'string' ||
    typeof cell !== 'string' ||
    typeof execution !== 'number' ||
    !Number.isFinite(execution) ||
    (kernel !== undefined && kernel !== null && typeof kernel !== 'string')
  ) {
    return null;
  }
  return { display, cell, execution, kernel: kernel ?? null };
}
