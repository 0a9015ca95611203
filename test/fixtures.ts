/** Shared fixtures in test/fixtures/, also read by pytest and the UI tests. */
import * as fs from 'fs';
import * as path from 'path';

import type { Payload } from '../src/payload';

const ROOT = path.join(__dirname, 'fixtures');

export interface HistoryFixture {
  file: string;
  description: string;
  name: string;
  payload: Payload;
}

export function historyFixtures(): HistoryFixture[] {
  const dir = path.join(ROOT, 'histories');
  return fs
    .readdirSync(dir)
    .filter(file => file.endsWith('.json'))
    .sort()
    .map(file => ({
      file,
      ...JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8'))
    }));
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
