import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

const FIXTURES = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

/** A saved, untrusted notebook whose only output is a stored panel. */
function savedNotebook(): string {
  const fixture = JSON.parse(
    fs.readFileSync(path.join(FIXTURES, 'histories', 'basic.json'), 'utf-8')
  );
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: 'code',
        id: 'saved-panel',
        execution_count: 1,
        metadata: {},
        source: 'tc.show(history, name="baseline")',
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'application/vnd.traincurves.v1+json': fixture.payload,
              'text/plain': 'traincurves run baseline'
            }
          }
        ]
      }
    ]
  });
}

test.describe('saved panels, no kernel', () => {
  test('render in JupyterLab from an untrusted notebook', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      savedNotebook(),
      'text',
      `${tmpPath}/saved.ipynb`
    );
    await page.notebook.openByPath(`${tmpPath}/saved.ipynb`);
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await expect(panel.locator('.tc-name')).toHaveText('baseline');
    await expect(panel.locator('.tc-chart')).toHaveCount(2);
  });

  test('render in Notebook 7', async ({ page, tmpPath }) => {
    await page.contents.uploadContent(
      savedNotebook(),
      'text',
      `${tmpPath}/saved.ipynb`
    );
    // A plain page: Galata's own `page` waits for JupyterLab's shell.
    const notebook = await page.context().newPage();
    await notebook.goto(`/notebooks/${tmpPath}/saved.ipynb`);
    const panel = notebook.locator('.jp-OutputArea .tc-panel');
    await expect(panel.locator('.tc-name')).toHaveText('baseline');
    await expect(panel.locator('.tc-chart')).toHaveCount(2);
    await expect(
      panel.locator('.tc-chart[data-family="loss"] svg text', {
        hasText: /^best 0\.3957 @ 8$/
      })
    ).toHaveCount(1);
    await notebook.close();
  });
});
