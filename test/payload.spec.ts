import { PayloadError, validatePayload } from '../src/payload';
import { historyFixtures, invalidPayloads } from './fixtures';

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
});
