import * as fs from 'fs';
import * as path from 'path';

import { SchemaValidator } from '../src/jsonSchema';
import { PayloadError, validatePayload } from '../src/payload';
import { historyFixtures, invalidPayloads } from './fixtures';

/** Payloads written by hand from schema/payload.v1.json alone. */
function handwritten(): [string, unknown][] {
  const dir = path.join(__dirname, 'fixtures', 'handwritten');
  return fs
    .readdirSync(dir)
    .filter(file => file.endsWith('.json'))
    .sort()
    .map(file => [
      file,
      JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8')).payload
    ]);
}

/** What a run without any optional field reads as. */
const DEFAULTS = {
  params: {},
  time: null,
  steps_per_epoch: null,
  bands: {},
  nonfinite: {},
  best: {},
  events: [],
  findings: [],
  batches: null,
  distributions: [],
  color: null,
  rank: null
};

describe('validatePayload', () => {
  it.each(historyFixtures().map(f => [f.file, f] as const))(
    'accepts what the Python builder wrote for %s',
    (_file, fixture) => {
      const payload = validatePayload(fixture.payload);
      expect(payload.runs).toHaveLength(1);
      const run = payload.runs[0];
      expect(run.name).toBe(fixture.name);
      for (const values of Object.values(run.metrics)) {
        expect(values).toHaveLength(run.epochs.length);
      }
    }
  );

  it.each(invalidPayloads().map(c => [c.why, c] as const))(
    'rejects %s with a message naming the field',
    (_why, testCase) => {
      expect(() => validatePayload(testCase.payload)).toThrow(PayloadError);
      expect(() => validatePayload(testCase.payload)).toThrow(testCase.error);
    }
  );

  it('reads the kernel session of a running panel, and checks it', () => {
    const base = historyFixtures()[0].payload;
    expect(validatePayload(base).kernel).toBeNull();
    expect(validatePayload({ ...base, kernel: 'f3a9' }).kernel).toBe('f3a9');
    expect(() => validatePayload({ ...base, kernel: 7 })).toThrow(
      'payload.kernel must be a string'
    );
  });

  it('keeps params as text when they are not scalars', () => {
    const payload = validatePayload({
      version: 1,
      runs: [
        {
          id: 'a',
          name: 'r',
          status: 'running',
          epochs: [1],
          metrics: { loss: [1] },
          params: { layers: [64, 32], lr: 0.1 }
        }
      ]
    });
    expect(payload.runs[0].params).toEqual({ layers: '[64,32]', lr: 0.1 });
    expect(payload.runs[0].progress).toEqual({
      epoch: 1,
      total: null,
      elapsed: null
    });
  });

  it.each(handwritten())(
    'reads %s, written from the schema alone, with the defaults',
    (_file, data) => {
      const payload = validatePayload(data);
      const run = payload.runs[0];
      expect(payload.view).toEqual({ metrics: null });
      expect(payload.kernel).toBeNull();
      const last = run.epochs[run.epochs.length - 1];
      expect(run.epochCount).toBe(run.epochs.length);
      expect(run.progress.epoch).toBe(last);
      for (const values of Object.values(run.metrics)) {
        expect(values).toHaveLength(run.epochs.length);
      }
    }
  );

  it('reads a run with the required fields only', () => {
    const [, data] = handwritten().find(([f]) => f === 'julia_like.json')!;
    const run = validatePayload(data).runs[0];
    expect(run).toEqual({
      ...DEFAULTS,
      id: 'flux-mlp-1',
      name: 'Flux MLP',
      status: 'finished',
      epochs: [1, 2, 3, 4],
      epochCount: 4,
      metrics: {
        loss: [0.92, 0.51, 0.38, 0.31],
        val_loss: [0.95, 0.6, null, 0.42],
        accuracy: [0.71, 0.84, 0.88, 0.91]
      },
      progress: { epoch: 4, total: null, elapsed: null },
      // A payload that does not say what its header says gets the plainest.
      text: { status: 'finished', done: '4 epochs', progress: null },
      // Nor where its metrics go: they are placed by their names.
      placed: {
        loss: {
          family: 'loss',
          split: 'train',
          color: null,
          key: true,
          member: null
        },
        val_loss: {
          family: 'loss',
          split: 'validation',
          color: null,
          key: true,
          member: null
        },
        accuracy: {
          family: 'accuracy',
          split: 'train',
          color: null,
          key: true,
          member: null
        }
      }
    });
  });

  it('reads null as absent where the schema allows null', () => {
    const run = {
      id: 'a',
      name: 'r',
      status: 'finished',
      epochs: [1],
      metrics: { loss: [1] }
    };
    const nulls = Object.fromEntries(
      Object.keys(DEFAULTS).map(key => [key, null])
    );
    const absent = validatePayload({ version: 1, runs: [run] });
    const explicit = validatePayload({
      version: 1,
      runs: [{ ...run, ...nulls, progress: null }],
      view: null,
      kernel: null
    });
    expect(explicit).toEqual(absent);
    expect(absent.runs[0]).toMatchObject(DEFAULTS);
  });

  it('ignores fields it does not know, for later version 1 writers', () => {
    const base = historyFixtures()[0].payload;
    const run = { ...base.runs[0], colour: 'red', progress: { epoch: 1 } };
    const read = validatePayload({ ...base, runs: [run], theme: 'dark' });
    expect(read).toEqual(
      validatePayload({ ...base, runs: [{ ...run, colour: undefined }] })
    );
    expect(read.runs[0]).not.toHaveProperty('colour');
  });

  it.each([
    [
      'a non-finite number',
      { metrics: { loss: [NaN] } },
      'payload.runs[0].metrics["loss"][0] must be a number or null, got number NaN'
    ],
    [
      'a non-finite pair too long',
      { nonfinite: { loss: [[1, 'nan', 'x']] } },
      'payload.runs[0].nonfinite["loss"][0] must hold at most 2 items, got 3'
    ],
    [
      'a non-finite pair too short',
      { nonfinite: { loss: [[1]] } },
      'payload.runs[0].nonfinite["loss"][0] must hold at least 2 items, got 1'
    ]
  ])('refuses %s', (_why, patch: Record<string, unknown>, error) => {
    const run = {
      id: 'a',
      name: 'r',
      status: 'finished',
      epochs: [1],
      metrics: { loss: [null] }
    };
    expect(() =>
      validatePayload({ version: 1, runs: [{ ...run, ...patch }] })
    ).toThrow(error);
  });
});

describe('SchemaValidator', () => {
  it('refuses a schema it would not check in full', () => {
    expect(
      () => new SchemaValidator({ type: 'string', maxLength: 3 } as never)
    ).toThrow('schema # uses the unsupported keyword maxLength');
    expect(
      () => new SchemaValidator({ properties: { a: { oneOf: [] } } } as never)
    ).toThrow('schema #/properties/a uses the unsupported keyword oneOf');
    expect(() => new SchemaValidator({ $ref: '#/$defs/missing' })).toThrow(
      'schema #: cannot resolve $ref #/$defs/missing'
    );
    expect(() => new SchemaValidator({ type: 'integer' } as never)).toThrow(
      'schema # has the unsupported type integer'
    );
  });

  it('names the path of the first violation', () => {
    const validator = new SchemaValidator({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'array', items: { $ref: '#/$defs/b' } } },
      additionalProperties: { enum: ['x', 'y'] },
      $defs: { b: { type: 'number', minimum: 0 } }
    });
    expect(validator.check({ a: [1, 2] }, 'v')).toBeNull();
    expect(validator.check({}, 'v')).toBe(
      'v.a must be an array, got undefined'
    );
    expect(validator.check({ a: [1, -2] }, 'v')).toBe(
      'v.a[1] must be >= 0, got number -2'
    );
    expect(validator.check({ a: [], 'b c': 'z' }, 'v')).toBe(
      'v["b c"] must be "x" or "y", got the string "z"'
    );
  });
});
