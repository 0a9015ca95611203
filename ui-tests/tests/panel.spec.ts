import { expect, test } from '@jupyterlab/galata';

import { fixtureHistory, runInNewNotebook } from './helpers';

test.use({ autoGoto: true });

test.describe('training panel', () => {
  test('draws one chart per metric family with best epochs and tooltips', async ({
    page
  }) => {
    const { source } = fixtureHistory('basic');
    await runInNewNotebook(
      page,
      `import traincurves as tc\ntc.show(${source}, name="demo-run")`
    );
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await expect(panel).toHaveCount(1);
    await expect(panel.locator('.tc-name')).toHaveText('demo-run');
    await expect(panel.locator('.tc-status')).toHaveText('finished');
    await expect(panel.locator('.tc-progress')).toHaveText('12 epochs');

    const charts = panel.locator('.tc-chart');
    await expect(charts).toHaveCount(2);
    await expect(charts.nth(0)).toHaveAttribute('data-family', 'loss');
    await expect(charts.nth(1)).toHaveAttribute('data-family', 'accuracy');

    const loss = panel.locator('.tc-chart[data-family="loss"]');
    // Chart title and legend entry are SVG text; both curves share the chart.
    await expect(loss.locator('svg text', { hasText: /^loss$/ })).toHaveCount(
      2
    );
    await expect(
      loss.locator('svg text', { hasText: /^val_loss$/ })
    ).toHaveCount(1);
    // val_loss is lowest at epoch 8; val_accuracy highest at epoch 9.
    await expect(
      loss.locator('svg text', { hasText: /^best 0\.3957 @ 8$/ })
    ).toHaveCount(1);
    await expect(
      panel.locator('.tc-chart[data-family="accuracy"] svg text', {
        hasText: /^best 0\.8917 @ 9$/
      })
    ).toHaveCount(1);
    await expect(panel.locator('.tc-metric')).toHaveCount(4);

    await loss.scrollIntoViewIfNeeded();
    const box = (await loss.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const tooltip = loss.locator('.tc-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('epoch');
    await expect(tooltip.locator('.tc-tooltip-name')).toHaveText([
      'loss',
      'val_loss'
    ]);
    // The connected accuracy chart shows the same epoch at the same time.
    await expect(
      panel.locator('.tc-chart[data-family="accuracy"] .tc-tooltip')
    ).toBeVisible();
    await page.screenshot({ path: 'test-results/panel-light.png' });
  });

  test('re-colours when the theme changes', async ({ page }) => {
    const { source } = fixtureHistory('basic');
    await runInNewNotebook(
      page,
      `import traincurves as tc\ntc.show(${source})`
    );
    const background = page
      .locator('.tc-chart[data-family="loss"] svg > rect')
      .first();
    await expect(background).toBeAttached();
    const light = await background.getAttribute('fill');
    await page.theme.setDarkTheme();
    await expect(background).not.toHaveAttribute('fill', light!);
    const dark = await background.getAttribute('fill');
    await page.screenshot({ path: 'test-results/panel-dark.png' });
    await page.theme.setLightTheme();
    await expect(background).toHaveAttribute('fill', light!);
    expect(dark).not.toBe(light);
  });

  test('shows a readable error for a malformed payload', async ({ page }) => {
    await runInNewNotebook(
      page,
      [
        'from IPython.display import display',
        'bad = {"version": 1, "runs": [{"id": "x", "name": "bad", "status": "finished",',
        '       "epochs": [1, 2], "metrics": {"loss": [1.0, "oops"]}}]}',
        'display({"application/vnd.traincurves.v1+json": bad, "text/plain": "bad"}, raw=True)',
        'display({"application/vnd.traincurves.v1+json": {"version": 99, "runs": []},',
        '         "text/plain": "future"}, raw=True)'
      ].join('\n')
    );
    const errors = page.locator('.tc-panel .tc-error');
    await expect(errors).toHaveCount(2);
    await expect(errors.nth(0)).toHaveText(
      'traincurves cannot show this output: payload.runs[0].metrics["loss"][1] must be a number or null, got the string "oops"'
    );
    await expect(errors.nth(1)).toContainText('reads version 1');
  });

  test('NaN and inf show as a gap, a marker and a warning', async ({
    page
  }) => {
    const { source } = fixtureHistory('nonfinite');
    await runInNewNotebook(
      page,
      `import traincurves as tc\ntc.show(${source}, name="diverging")`
    );
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await expect(panel.locator('.tc-warning')).toHaveText([
      'loss became inf at epoch 5',
      'val_loss became nan at epoch 3'
    ]);
    const loss = panel.locator('.tc-chart[data-family="loss"]');
    await expect(
      loss.locator('svg text').getByText('inf @ 5', { exact: true })
    ).toHaveCount(1);
    await loss.scrollIntoViewIfNeeded();
    const box = (await loss.boundingBox())!;
    // Epoch 6 of 1..7 inside the grid (56 px left, 24 px right margins).
    const x = box.x + 56 + ((box.width - 80) * 5) / 6;
    await page.mouse.move(x, box.y + box.height * 0.5);
    const tooltip = loss.locator('.tc-tooltip');
    await expect(tooltip).toContainText('epoch 6');
    await expect(tooltip.locator('.tc-tooltip-bad')).toHaveText(['nan', 'nan']);
  });

  test('names are text, never HTML', async ({ page }) => {
    const { name, source } = fixtureHistory('hostile_names');
    await runInNewNotebook(
      page,
      `import traincurves as tc\ntc.show(${source}, name=${JSON.stringify(name)})`
    );
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await expect(panel.locator('.tc-name')).toHaveText(name);
    await expect(panel.locator('img')).toHaveCount(0);
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await expect(
      panel.locator('.tc-metric-name').getByText(hostile, { exact: true })
    ).toHaveCount(1);
    const chart = panel.locator('.tc-chart').nth(1);
    const legend = chart.locator('svg text').getByText(`val_${hostile}`, {
      exact: true
    });
    await expect(legend).toHaveCount(1);
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.55);
    const tooltip = chart.locator('.tc-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip.locator('.tc-tooltip-name').first()).toHaveText(
      hostile
    );
    await legend.click();
    await legend.click();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    await expect(page.locator('.jp-OutputArea img')).toHaveCount(0);
  });
});
