import { expect, test } from '@jupyterlab/galata';

import { savedPanelNotebook } from './helpers';

test.describe('saved panels, no kernel', () => {
  test('render in JupyterLab from an untrusted notebook', async ({
    page,
    tmpPath
  }) => {
    await page.contents.uploadContent(
      savedPanelNotebook('histories/basic'),
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
      savedPanelNotebook('histories/basic'),
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
