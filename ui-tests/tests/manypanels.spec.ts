import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

/** A saved notebook of 200 panels, one run of the 200-run sweep each. */
function twoHundredPanels(): string {
  const { payload } = JSON.parse(
    fs.readFileSync(
      path.join(FIXTURES, 'comparisons', 'sweep_200.json'),
      'utf-8'
    )
  );
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
    cells: payload.runs.map((run: { name: string }, i: number) => ({
      cell_type: 'code',
      id: `panel-${i}`,
      execution_count: i + 1,
      metadata: {},
      source: `tc.show(${JSON.stringify(run.name)})`,
      outputs: [
        {
          output_type: 'display_data',
          metadata: {},
          data: {
            'application/vnd.traincurves.v1+json': { version: 1, runs: [run] },
            'text/plain': `traincurves run ${run.name}`
          }
        }
      ]
    }))
  });
}

test('the Compare menu of a notebook with 200 panels lists the other 199', async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadContent(
    twoHundredPanels(),
    'text',
    `${tmpPath}/panels.ipynb`
  );
  await page.notebook.openByPath(`${tmpPath}/panels.ipynb`);
  const first = page
    .locator('.jp-Notebook .jp-Cell')
    .first()
    .locator('.tc-panel');
  await expect(first.locator('.tc-chart').first()).toBeVisible();

  const started = Date.now();
  await first.locator('.tc-compare > summary').click();
  const choices = first.locator('.tc-compare-list label');
  await expect(choices).toHaveCount(199);
  console.log(
    `Compare menu of 200 panels listed in ${Date.now() - started} ms`
  );

  // Three runs from cells far below (not drawn yet) join this panel.
  for (const name of ['sweep-168', 'sweep-071', 'sweep-042']) {
    await choices.filter({ hasText: name }).locator('input').check();
  }
  await expect(first.locator('.tc-table tbody tr')).toHaveCount(4);
  await expect(
    first.locator('.tc-compare-list label input:checked')
  ).toHaveCount(3);
});
