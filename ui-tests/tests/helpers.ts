import { IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

/** A shared history fixture, as Python source for a notebook cell. */
export function fixtureHistory(name: string): { name: string; source: string } {
  const fixture = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'histories', `${name}.json`), 'utf-8')
  );
  // JSON text is a Python literal once NaN/inf strings are mapped.
  const history = JSON.stringify(fixture.history)
    .replace(/"-inf"/g, "float('-inf')")
    .replace(/"inf"/g, "float('inf')")
    .replace(/"nan"/g, "float('nan')")
    .replace(/\bnull\b/g, 'None');
  return { name: fixture.name, source: history };
}

/** Put `code` in the first cell of a new notebook and run it. */
export async function runInNewNotebook(
  page: IJupyterLabPageFixture,
  code: string,
  notebook = 'panel.ipynb'
): Promise<void> {
  await page.notebook.createNew(notebook);
  await page.notebook.setCell(0, 'code', code);
  await page.notebook.runCell(0, true);
}

/** Save, shut every kernel down, close and reopen: outputs from the file alone. */
export async function reopenWithoutKernel(
  page: IJupyterLabPageFixture,
  path: string
): Promise<void> {
  await page.notebook.save();
  await page.evaluate(async () => {
    await (window as any).jupyterapp.serviceManager.sessions.shutdownAll();
  });
  await page.notebook.close(true);
  await page.notebook.openByPath(path);
  await page.notebook.activate(path.split('/').pop()!);
}
