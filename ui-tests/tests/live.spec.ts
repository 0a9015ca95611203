import { expect, test } from '@jupyterlab/galata';

import { reopenWithoutKernel } from './helpers';
import * as path from 'path';

const DEMO = path.resolve(__dirname, '..', '..', 'examples', 'demo.ipynb');
const TRAINING_CELL = 2;

test.use({ autoGoto: true });

test('the demo panel grows live, keeps the zoom, and survives a reload', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300 * 1000);
  await page.contents.uploadFile(DEMO, `${tmpPath}/demo.ipynb`);
  await page.notebook.openByPath(`${tmpPath}/demo.ipynb`);
  await page.notebook.activate('demo.ipynb');
  await page.notebook.runCell(1, true); // imports and data

  // Start training without waiting for the cell to finish.
  await page.notebook.selectCells(TRAINING_CELL);
  await page.keyboard.press('Control+Enter');

  const cell = page.locator('.jp-Notebook .jp-Cell').nth(TRAINING_CELL);
  const panel = cell.locator('.tc-panel');
  const progress = panel.locator('.tc-progress');
  await expect(panel.locator('.tc-status')).toHaveText('running', {
    timeout: 120 * 1000
  });

  const seen = new Set<number>();
  let zoomBefore: string | null = null;
  let epochAtZoom = 0;
  let zoomAfter: string | null = null;
  const loss = panel.locator('.tc-chart[data-family="loss"]');
  while ((await panel.locator('.tc-status').textContent()) === 'running') {
    const match = /epoch (\d+)\/30/.exec((await progress.textContent()) ?? '');
    const epoch = match ? Number(match[1]) : 0;
    if (epoch > 0) {
      seen.add(epoch);
    }
    // Only one panel in the output, however many updates arrived.
    expect(await cell.locator('.tc-panel').count()).toBe(1);
    if (zoomBefore === null && epoch >= 4 && epoch <= 20) {
      await loss.scrollIntoViewIfNeeded();
      const box = (await loss.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
      await page.mouse.wheel(0, -400);
      await expect(loss).toHaveAttribute('data-zoom', /.+/);
      zoomBefore = await loss.getAttribute('data-zoom');
      epochAtZoom = epoch;
      // Hide a curve too: the choice must also survive the updates.
      await loss
        .locator('svg text')
        .getByText('val_loss', { exact: true })
        .click();
      await expect(loss).toHaveAttribute('data-hidden', '["val_loss"]');
    } else if (
      zoomBefore !== null &&
      zoomAfter === null &&
      epoch >= epochAtZoom + 2
    ) {
      zoomAfter = await loss.getAttribute('data-zoom');
    }
    await page.waitForTimeout(100);
  }
  expect(seen.size).toBeGreaterThanOrEqual(3);
  expect(zoomBefore).not.toBeNull();
  expect(zoomAfter).toBe(zoomBefore);
  await expect(loss).toHaveAttribute('data-hidden', '["val_loss"]');

  await expect(panel.locator('.tc-status')).toHaveText('finished');
  await expect(progress).toHaveText(/^30 epochs/);
  await expect(panel.locator('.tc-chart')).toHaveCount(2);
  // The demo model's three layers, one summary per epoch, band and heat map.
  const layers = panel.locator('.tc-distributions .tc-dist');
  await expect(layers.locator('.tc-dist-name')).toHaveText([
    'hidden',
    'hidden_2',
    'logits'
  ]);
  await expect(layers.first().locator('.tc-dist-facts')).toContainText(
    'epoch 30'
  );
  await expect(
    layers.last().locator('.tc-dist-chart[data-slot="heatmap"] svg')
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/live-finished.png' });

  // Saved, kernel gone, reopened: the panel comes back from the file alone.
  await reopenWithoutKernel(page, `${tmpPath}/demo.ipynb`);
  const reopened = page
    .locator('.jp-Notebook .jp-Cell')
    .nth(TRAINING_CELL)
    .locator('.tc-panel');
  await expect(reopened.locator('.tc-status')).toHaveText('finished');
  await expect(reopened.locator('.tc-progress')).toHaveText(/^30 epochs/);
  await expect(reopened.locator('.tc-chart')).toHaveCount(2);
  await expect(reopened.locator('.tc-metric')).toHaveCount(4);
});
