import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';

import { fixtureHistory, runInNewNotebook } from './helpers';

test.describe('analysis controls', () => {
  test.beforeEach(async ({ page }) => {
    const { source } = fixtureHistory('basic');
    await runInNewNotebook(
      page,
      `import traincurves as tc\ntc.show(${source}, name="baseline")`
    );
  });

  test('smoothing, log scale and the per-epoch change redraw the curves', async ({
    page
  }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    const loss = panel.locator('.tc-chart[data-family="loss"]');
    // ECharts describes each chart's data in its aria-label.
    const described = () => loss.getAttribute('aria-label');
    const raw = await described();
    expect(raw).toContain('1.6034');

    const slider = panel.locator('.tc-smoothing-input');
    await slider.fill('0.8');
    await expect(panel.locator('.tc-smoothing-value')).toHaveText('0.80');
    await expect.poll(described).not.toBe(raw);
    // The raw curve stays, faint, behind the smoothed one.
    expect((await described())!).toMatch(/4 series/);
    await slider.fill('0');
    await expect.poll(described).toBe(raw);

    const yLabels = () =>
      loss
        .locator('svg text')
        .evaluateAll(nodes =>
          nodes.map(n => n.textContent).filter(t => /^[\d.]+$/.test(t ?? ''))
        );
    const linear = await yLabels();
    await panel.locator('.tc-logy-input').check();
    await expect.poll(yLabels).not.toEqual(linear);
    await panel.locator('.tc-logy-input').uncheck();

    await panel.locator('.tc-delta-input').check();
    // loss fell from 1.6034 to 0.9121 at epoch 2.
    await expect.poll(described).toMatch(/, 2, -0\.6912\d*, 3,/);
    // Changes can be negative: log scale is off, and says why.
    await expect(panel.locator('.tc-logy-input')).toBeDisabled();
    await page.screenshot({ path: 'test-results/analysis-delta.png' });
  });

  test('findings are shaded on the chart and listed with what to try', async ({
    page
  }) => {
    // The healthy run has none: its val_loss creeps up within its noise.
    await expect(page.locator('.jp-OutputArea .tc-finding')).toHaveCount(0);
    const { source } = fixtureHistory('overfitting');
    await page.notebook.setCell(
      0,
      'code',
      `tc.show(${source}, name="overfit")`
    );
    await page.notebook.runCell(0, true);
    const panel = page.locator('.jp-OutputArea .tc-panel');
    const finding = panel.locator('.tc-finding[data-kind="overfitting"]');
    await expect(finding).toBeVisible();
    await expect(finding).toContainText(
      'val_loss +59 % over its best (0.515 at epoch 8) for 12 epochs while loss fell 74 %'
    );
    await expect(finding.locator('.tc-finding-advice')).toContainText(
      'EarlyStopping'
    );
    await expect(
      panel
        .locator('.tc-chart[data-family="loss"] svg text')
        .getByText('overfitting', { exact: true })
    ).toHaveCount(1);
  });

  test('export CSV downloads the data of the run', async ({ page }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await panel.locator('.tc-export > summary').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.locator('.tc-export-csv').click()
    ]);
    expect(download.suggestedFilename()).toBe('traincurves-baseline.csv');
    const text = fs.readFileSync((await download.path())!, 'utf-8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('run,epoch,time,loss,accuracy,val_loss,val_accuracy');
    expect(lines).toHaveLength(13);
    expect(lines[8]).toBe('baseline,8,,0.2281,0.9356,0.3957,0.8889');

    await panel.locator('.tc-export > summary').click();
    const [picture] = await Promise.all([
      page.waitForEvent('download'),
      panel.locator('.tc-export-png').click()
    ]);
    expect(picture.suggestedFilename()).toBe('traincurves-baseline.png');
    const png = fs.readFileSync((await picture.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10000);
  });
});

test('changing a setting redraws open panels', async ({ page }) => {
  const { source } = fixtureHistory('overfitting');
  await runInNewNotebook(page, `import traincurves as tc\ntc.show(${source})`);
  const chart = page.locator('.jp-OutputArea .tc-chart').first();
  await expect(chart).toHaveCSS('height', '280px');
  const setSetting = (key: string, value: unknown) =>
    page.evaluate(
      async ([k, v]) => {
        const registry = await (window as any).galata.getPlugin(
          '@jupyterlab/apputils-extension:settings'
        );
        await registry.set('jupyterlab-traincurves:plugin', k, v);
      },
      [key, value] as const
    );
  await setSetting('chartHeight', 360);
  await expect(chart).toHaveCSS('height', '360px');
  await setSetting('diagnosis', false);
  await expect(page.locator('.jp-OutputArea .tc-finding')).toHaveCount(0);
  await setSetting('diagnosis', true);
  await setSetting('chartHeight', 280);
  await expect(page.locator('.jp-OutputArea .tc-finding')).toHaveCount(1);
});
