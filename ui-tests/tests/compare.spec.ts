import { expect, test } from '@jupyterlab/galata';

import { reopenWithoutKernel } from './helpers';

const TRAIN = (name: string, loss: number[], val: number[]) =>
  [
    'import traincurves as tc',
    `run = tc.Run(${JSON.stringify(name)}, params={"lr": ${name === 'baseline' ? 0.01 : 0.1}})`,
    'with run.live(total_epochs=4):',
    `    for epoch, (l, v) in enumerate(zip(${JSON.stringify(loss)}, ${JSON.stringify(val)})):`,
    '        run.log(epoch=epoch, loss=l, val_loss=v)'
  ].join('\n');

test('runs compare in the kernel and from saved outputs with no kernel', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(90 * 1000);
  await page.notebook.createNew('compare.ipynb');
  await page.notebook.setCell(
    0,
    'code',
    TRAIN('baseline', [1.0, 0.8, 0.6, 0.5], [1.1, 0.9, 0.7, 0.75])
  );
  await page.notebook.runCell(0, true);
  await page.notebook.addCell(
    'code',
    TRAIN('variant', [0.9, 0.6, 0.5, 0.4], [1.0, 0.8, 0.65, 0.6])
  );
  await page.notebook.runCell(1, true);
  await page.notebook.addCell('code', 'tc.compare()');
  await page.notebook.runCell(2, true);

  const cells = page.locator('.jp-Notebook .jp-Cell');
  const comparison = cells.nth(2).locator('.tc-panel');
  await expect(comparison.locator('.tc-chart')).toHaveCount(1);
  const legend = comparison.locator('.tc-chart svg text');
  await expect(
    legend.getByText('baseline (best val_loss 0.7 @ 3)', { exact: true })
  ).toHaveCount(1);
  await expect(
    legend.getByText('variant (best val_loss 0.6 @ 4)', { exact: true })
  ).toHaveCount(1);
  const rows = comparison.locator('.tc-table tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(comparison.locator('.tc-table td.tc-diff')).toHaveCount(2);
  // Sorting by the best validation loss puts the variant first.
  await comparison
    .locator('.tc-table th button', { hasText: 'best val_loss' })
    .click();
  await expect(rows.first()).toContainText('variant');

  // Saved, kernel gone, reopened: the baseline's own panel overlays the variant.
  await reopenWithoutKernel(page, `${tmpPath}/compare.ipynb`);
  const baseline = page
    .locator('.jp-Notebook .jp-Cell')
    .nth(0)
    .locator('.tc-panel');
  await expect(baseline.locator('.tc-chart')).toHaveCount(1);
  await expect(baseline.locator('.tc-table tbody tr')).toHaveCount(0);
  await baseline.locator('.tc-compare > summary').click();
  const choice = baseline.locator('.tc-compare-list label', {
    hasText: 'variant'
  });
  await expect(choice).toHaveCount(1);
  await expect(baseline.locator('.tc-compare-list label')).toHaveCount(1);
  await choice.locator('input').check();
  await expect(baseline.locator('.tc-table tbody tr')).toHaveCount(2);
  await expect(
    baseline
      .locator('.tc-chart svg text')
      .getByText('variant (best val_loss 0.6 @ 4)', { exact: true })
  ).toHaveCount(1);
  await page.screenshot({ path: 'test-results/compare-overlay.png' });
  // A view choice: the notebook itself is unchanged.
  await expect(
    page.locator('.jp-Notebook .jp-Cell').nth(0).locator('.tc-panel')
  ).toHaveCount(1);
});
