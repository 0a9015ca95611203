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

/**
 * Python source that builds a shared fixture's run the way pytest does
 * (`test/fixtures/fixture_runs.py`), as `run`. No indented block: the cell
 * editor would indent the lines after it.
 */
export function fixtureRun(stem: string): string {
  const file = path.join(FIXTURES, 'histories', `${stem}.json`);
  return [
    'import json, pathlib, sys',
    `sys.path.insert(0, ${JSON.stringify(FIXTURES)})`,
    'from fixture_runs import run_from_fixture',
    'import traincurves as tc',
    `fixture = json.loads(pathlib.Path(${JSON.stringify(file)}).read_text())`,
    `run = run_from_fixture(tc, fixture, ${JSON.stringify(stem)})`
  ].join('\n');
}

/**
 * A saved, untrusted notebook with one cell whose only output is a shared
 * fixture's stored panel (`histories/` or `comparisons/`), as the file
 * holds it after the kernel is gone. `kernel`: name a kernelspec, so that
 * JupyterLab starts one instead of asking which (a dialog over the page).
 */
export function savedPanelNotebook(
  fixture: string,
  options: { kernel?: boolean } = {}
): string {
  const { payload } = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, `${fixture}.json`), 'utf-8')
  );
  const kernelspec = { name: 'python3', display_name: 'Python 3' };
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: options.kernel ? { kernelspec } : {},
    cells: [
      {
        cell_type: 'code',
        id: 'saved-panel',
        execution_count: 1,
        metadata: {},
        source: 'tc.show(history)',
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'application/vnd.traincurves.v1+json': payload,
              'text/plain': 'traincurves panel'
            }
          }
        ]
      }
    ]
  });
}

/**
 * Python lines (one statement each: the cell editor would indent the lines
 * after a block) that build the small digits model as `model`, with x and
 * y: scikit-learn's bundled data, nothing downloaded.
 */
export const DIGITS_MODEL = [
  'import os, time',
  'os.environ.setdefault("KERAS_BACKEND", "torch")',
  'import keras, traincurves as tc',
  'from sklearn.datasets import load_digits',
  'x, y = load_digits(return_X_y=True)',
  'x = (x / 16.0).astype("float32")',
  'keras.utils.set_random_seed(0)',
  'model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(10)])',
  'model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])'
];
