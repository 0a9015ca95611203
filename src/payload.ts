/**
 * The payload of `application/vnd.traincurves.v1+json`: its types and the
 * validator that turns untrusted JSON into them. The Python builder in
 * `python/traincurves/payload.py` writes exactly this.
 */

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
  severity: 'error' | 'warning' | 'info';
  metric: string;
  start: number;
  end: number;
  message: string;
  advice: string;
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
}

/** A payload that cannot be drawn; the message names the offending field. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    const shown = value.length > 30 ? `${value.slice(0, 27)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  return typeof value === 'object' ? 'an object' : `${typeof value} ${value}`;
}

function fail(path: string, expected: string, got: unknown): never {
  throw new PayloadError(`${path} must be ${expected}, got ${kindOf(got)}`);
}

function object(value: unknown, path: string): Obj {
  return isObject(value) ? value : fail(path, 'an object', value);
}

function string(value: unknown, path: string): string {
  return typeof value === 'string' ? value : fail(path, 'a string', value);
}

function finite(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : fail(path, 'a finite number', value);
}

function array(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : fail(path, 'an array', value);
}

function column(
  value: unknown,
  path: string,
  length: number,
  along = 'epochs'
): Value[] {
  const items = array(value, path);
  if (items.length !== length) {
    throw new PayloadError(
      `${path} has ${items.length} values but there are ${length} ${along}`
    );
  }
  items.forEach((item, i) => {
    if (item !== null && (typeof item !== 'number' || !isFinite(item))) {
      fail(`${path}[${i}]`, 'a number or null', item);
    }
  });
  return items as Value[];
}

function shares(value: unknown, path: string, length: number): number[] {
  const items = array(value, path);
  if (items.length !== length) {
    throw new PayloadError(
      `${path} has ${items.length} values but there are ${length} epochs`
    );
  }
  return items.map((item, i) => finite(item, `${path}[${i}]`));
}

function validateDistribution(value: unknown, path: string): Distribution {
  const dist = object(value, path);
  const kind = dist.kind;
  if (kind !== 'activations' && kind !== 'weights' && kind !== 'gradients') {
    fail(`${path}.kind`, '"activations", "weights" or "gradients"', kind);
  }
  const epochs = array(dist.epochs, `${path}.epochs`).map((e, i) =>
    finite(e, `${path}.epochs[${i}]`)
  );
  const n = epochs.length;
  const quantilesIn = object(dist.quantiles, `${path}.quantiles`);
  const quantiles = {} as Distribution['quantiles'];
  for (const q of QUANTILES) {
    quantiles[q] = column(quantilesIn[q], `${path}.quantiles.${q}`, n);
  }
  const histogram = object(dist.histogram, `${path}.histogram`);
  const counts = array(histogram.counts, `${path}.histogram.counts`);
  if (counts.length !== n) {
    throw new PayloadError(
      `${path}.histogram.counts has ${counts.length} rows but there are ${n} epochs`
    );
  }
  return {
    name: string(dist.name, `${path}.name`),
    kind,
    epochs,
    size: finite(dist.size, `${path}.size`),
    quantiles,
    zeros: shares(dist.zeros, `${path}.zeros`, n),
    nonfinite: shares(dist.nonfinite, `${path}.nonfinite`, n),
    histogram: {
      low: column(histogram.low, `${path}.histogram.low`, n),
      high: column(histogram.high, `${path}.histogram.high`, n),
      counts: counts.map((row, i) =>
        array(row, `${path}.histogram.counts[${i}]`).map((c, j) => {
          const where = `${path}.histogram.counts[${i}][${j}]`;
          const count = finite(c, where);
          return count >= 0 ? count : fail(where, 'a count (>= 0)', count);
        })
      )
    },
    hints: array(dist.hints ?? [], `${path}.hints`).map((h, i) => {
      const where = `${path}.hints[${i}]`;
      const hint = object(h, where);
      return {
        kind: string(hint.kind, `${where}.kind`),
        epoch: finite(hint.epoch, `${where}.epoch`),
        message: string(hint.message, `${where}.message`),
        advice: string(hint.advice, `${where}.advice`)
      };
    })
  };
}

function validateRun(value: unknown, path: string): RunPayload {
  const run = object(value, path);
  const status = string(run.status, `${path}.status`);
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw new PayloadError(
      `${path}.status must be one of ${STATUSES.join(', ')}, got ${kindOf(status)}`
    );
  }
  const epochs = array(run.epochs, `${path}.epochs`).map((e, i) =>
    finite(e, `${path}.epochs[${i}]`)
  );
  const metricsIn = object(run.metrics, `${path}.metrics`);
  const metrics: Record<string, Value[]> = {};
  for (const [name, values] of Object.entries(metricsIn)) {
    metrics[name] = column(
      values,
      `${path}.metrics[${JSON.stringify(name)}]`,
      epochs.length
    );
  }
  const time =
    run.time === null || run.time === undefined
      ? null
      : column(run.time, `${path}.time`, epochs.length);
  const params: RunPayload['params'] = {};
  for (const [key, param] of Object.entries(
    object(run.params ?? {}, `${path}.params`)
  )) {
    params[key] =
      param === null || ['string', 'number', 'boolean'].includes(typeof param)
        ? (param as string | number | boolean | null)
        : JSON.stringify(param);
  }
  const nonfinite: RunPayload['nonfinite'] = {};
  for (const [name, entries] of Object.entries(
    object(run.nonfinite ?? {}, `${path}.nonfinite`)
  )) {
    const where = `${path}.nonfinite[${JSON.stringify(name)}]`;
    nonfinite[name] = array(entries, where).map((entry, i) => {
      const pair = array(entry, `${where}[${i}]`);
      const kind = pair[1];
      if (kind !== 'nan' && kind !== 'inf' && kind !== '-inf') {
        fail(`${where}[${i}][1]`, '"nan", "inf" or "-inf"', kind);
      }
      return [finite(pair[0], `${where}[${i}][0]`), kind];
    });
  }
  const best: RunPayload['best'] = {};
  for (const [name, entry] of Object.entries(
    object(run.best ?? {}, `${path}.best`)
  )) {
    const where = `${path}.best[${JSON.stringify(name)}]`;
    const b = object(entry, where);
    if (b.mode !== 'min' && b.mode !== 'max') {
      fail(`${where}.mode`, '"min" or "max"', b.mode);
    }
    best[name] = {
      epoch: finite(b.epoch, `${where}.epoch`),
      value: finite(b.value, `${where}.value`),
      mode: b.mode
    };
  }
  const events = array(run.events ?? [], `${path}.events`).map((e, i) => {
    const event = object(e, `${path}.events[${i}]`);
    string(event.kind, `${path}.events[${i}].kind`);
    if (event.epoch !== undefined) {
      finite(event.epoch, `${path}.events[${i}].epoch`);
    }
    return event as RunEvent;
  });
  const bands: RunPayload['bands'] = {};
  for (const [name, band] of Object.entries(
    object(run.bands ?? {}, `${path}.bands`)
  )) {
    const where = `${path}.bands[${JSON.stringify(name)}]`;
    const b = object(band, where);
    bands[name] = {
      low: column(b.low, `${where}.low`, epochs.length),
      high: column(b.high, `${where}.high`, epochs.length)
    };
  }
  const findings = array(run.findings ?? [], `${path}.findings`).map(
    (f, i): Finding => {
      const where = `${path}.findings[${i}]`;
      const finding = object(f, where);
      const severity = finding.severity;
      if (
        severity !== 'error' &&
        severity !== 'warning' &&
        severity !== 'info'
      ) {
        fail(`${where}.severity`, '"error", "warning" or "info"', severity);
      }
      return {
        kind: string(finding.kind, `${where}.kind`),
        severity: severity as Finding['severity'],
        metric: string(finding.metric, `${where}.metric`),
        start: finite(finding.start, `${where}.start`),
        end: finite(finding.end, `${where}.end`),
        message: string(finding.message, `${where}.message`),
        advice: string(finding.advice, `${where}.advice`)
      };
    }
  );
  let batches: Batches | null = null;
  if (run.batches !== null && run.batches !== undefined) {
    const b = object(run.batches, `${path}.batches`);
    const x = array(b.x, `${path}.batches.x`).map((v, i) =>
      finite(v, `${path}.batches.x[${i}]`)
    );
    const batchMetrics: Record<string, Value[]> = {};
    for (const [name, values] of Object.entries(
      object(b.metrics, `${path}.batches.metrics`)
    )) {
      batchMetrics[name] = column(
        values,
        `${path}.batches.metrics[${JSON.stringify(name)}]`,
        x.length,
        'batch points'
      );
    }
    batches = {
      x,
      metrics: batchMetrics,
      count: finite(b.count ?? x.length, `${path}.batches.count`)
    };
  }
  const progressIn = object(
    run.progress ?? { epoch: epochs[epochs.length - 1] ?? 0 },
    `${path}.progress`
  );
  const total = progressIn.total ?? null;
  return {
    id: string(run.id, `${path}.id`),
    name: string(run.name, `${path}.name`),
    status: status as Status,
    params,
    epochs,
    epochCount:
      run.epoch_count === undefined
        ? epochs.length
        : finite(run.epoch_count, `${path}.epoch_count`),
    metrics,
    time,
    bands,
    steps_per_epoch:
      run.steps_per_epoch === null || run.steps_per_epoch === undefined
        ? null
        : finite(run.steps_per_epoch, `${path}.steps_per_epoch`),
    nonfinite,
    best,
    events,
    findings,
    batches,
    distributions: array(run.distributions ?? [], `${path}.distributions`).map(
      (d, i) => validateDistribution(d, `${path}.distributions[${i}]`)
    ),
    progress: {
      epoch: finite(progressIn.epoch, `${path}.progress.epoch`),
      total: total === null ? null : finite(total, `${path}.progress.total`),
      elapsed:
        progressIn.elapsed === null || progressIn.elapsed === undefined
          ? null
          : finite(progressIn.elapsed, `${path}.progress.elapsed`)
    }
  };
}

/** Check untrusted JSON and return it typed, or throw a PayloadError. */
export function validatePayload(data: unknown): Payload {
  const root = object(data, 'payload');
  if (root.version !== PAYLOAD_VERSION) {
    throw new PayloadError(
      `payload.version is ${kindOf(root.version)}; this traincurves ` +
        `extension reads version ${PAYLOAD_VERSION}. Update the extension or ` +
        'the Python package so that both match.'
    );
  }
  const runs = array(root.runs, 'payload.runs');
  if (runs.length === 0) {
    throw new PayloadError('payload.runs is empty: there is no run to show');
  }
  const viewIn = object(root.view ?? {}, 'payload.view');
  const metrics =
    viewIn.metrics === null || viewIn.metrics === undefined
      ? null
      : array(viewIn.metrics, 'payload.view.metrics').map((m, i) =>
          string(m, `payload.view.metrics[${i}]`)
        );
  return {
    version: PAYLOAD_VERSION,
    runs: runs.map((run, i) => validateRun(run, `payload.runs[${i}]`)),
    view: { metrics },
    kernel:
      root.kernel === undefined || root.kernel === null
        ? null
        : string(root.kernel, 'payload.kernel')
  };
}
