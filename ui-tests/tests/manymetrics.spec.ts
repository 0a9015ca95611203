import { expect, test } from '@jupyterlab/galata';

import { savedPanelNotebook } from './helpers';

test('a run with 92 metrics reads on one screen', async ({ page, tmpPath }) => {
  await page.setViewportSize({ width: 1300, height: 1600 });
  await page.contents.uploadContent(
    savedPanelNotebook('histories/many_metrics', { kernel: true }),
    'text',
    `${tmpPath}/many.ipynb`
  );
  await page.notebook.openByPath(`${tmpPath}/many.ipynb`);
  const panel = page.locator('.jp-OutputArea .tc-panel');

  // The key metrics (the loss and the focus metric) lead the header; the
  // other 88 are folded into a table.
  await expect(panel.locator('.tc-latest .tc-metric-name')).toHaveText([
    'loss',
    'val_loss',
    'accuracy',
    'val_accuracy'
  ]);
  const more = panel.locator('.tc-more-metrics');
  await expect(more.locator('summary')).toHaveText('88 more metrics');
  await expect(more.locator('tr').first()).toBeHidden();
  await more.locator('summary').click();
  await expect(more.locator('tr')).toHaveCount(88);

  // The 40 per-class IoUs and their validation twins share one chart.
  const charts = panel.locator('.tc-chart');
  await expect(charts).toHaveCount(6);
  const iou = panel.locator('.tc-chart[data-family="iou_class_*"]');
  await expect(
    iou.locator('svg text', { hasText: 'iou_class_* (40)' })
  ).toHaveCount(1);
  await expect(iou.locator('svg path[stroke-dasharray]').first()).toBeVisible();

  await page.screenshot({ path: test.info().outputPath('many-metrics.png') });

  // The chart picker shows what is left out, and brings it in.
  const picker = panel.locator('.tc-picker');
  await expect(picker.locator('summary')).toHaveText('Charts 6/8');
  await picker.locator('summary').click();
  const schedule = picker.locator(
    '.tc-picker-input[data-family="learning_rate"]'
  );
  await expect(schedule).not.toBeChecked();
  await schedule.check();
  await expect(charts).toHaveCount(7);
  await expect(picker.locator('summary')).toHaveText('Charts 7/8');
  await expect(
    panel.locator('.tc-chart[data-family="learning_rate"]')
  ).toHaveCount(1);
  // and hides a chart the user does not want
  await picker.locator('.tc-picker-input[data-family="dice"]').uncheck();
  await expect(panel.locator('.tc-chart[data-family="dice"]')).toHaveCount(0);
  await expect(charts).toHaveCount(6);
});
