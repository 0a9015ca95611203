/** Shared fixtures in test/fixtures/, also read by pytest and the UI tests. */
import * as fs from 'fs';
import * as path from 'path';

import { validatePayload, type Payload } from '../src/payload';

const ROOT = path.join(__dirname, 'fixtures');

/** What the static picture of a fixture's payload shows (regenerate.py). */
export interface PictureFacts {
  charts: string[];
  series: { run: string; metric: string; color: string; dashed: boolean }[];
}

export interface HistoryFixture {
  file: string;
  description: string;
  name: string;
  payload: Payload;
  picture: PictureFacts;
}

/** Every JSON file of a fixture folder, parsed, with its file name. */
function readFolder<T>(folder: string): T[] {
  const dir = path.join(ROOT, folder);
  return fs
    .readdirSync(dir)
    .filter(file => file.endsWith('.json'))
    .sort()
    .map(file => ({
      file,
      ...JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8'))
    }));
}

export function historyFixtures(): HistoryFixture[] {
  return readFolder('histories');
}

/** Several history fixtures' runs compared on one panel. */
export function comparisonFixtures(): {
  file: string;
  payload: Payload;
  picture: PictureFacts;
}[] {
  return readFolder('comparisons');
}

export function historyFixture(stem: string): HistoryFixture {
  const found = historyFixtures().find(f => f.file === `${stem}.json`);
  if (!found) {
    throw new Error(`no fixture ${stem}`);
  }
  return found;
}

export function invalidPayloads(): {
  why: string;
  payload: unknown;
  error: string;
}[] {
  return JSON.parse(
    fs.readFileSync(path.join(ROOT, 'invalid_payloads.json'), 'utf-8')
  );
}

/** [name, family, split]: how a metric name is read, on both sides. */
export function metricNames(): [string, string, string][] {
  return JSON.parse(
    fs.readFileSync(path.join(ROOT, 'metric_names.json'), 'utf-8')
  ).cases;
}

/** A payload of one finished run `a` with these epochs and metrics (and any
 * other run fields), validated as the renderer receives it. */
export function onePayload(
  metrics: Record<string, number[]>,
  run: Record<string, unknown> = {},
  payload: Record<string, unknown> = {}
): Payload {
  const epochs = Object.values(metrics)[0].map((_, i) => i + 1);
  return validatePayload({
    version: 1,
    ...payload,
    runs: [{ id: 'a', name: 'a', status: 'finished', epochs, metrics, ...run }]
  });
}
