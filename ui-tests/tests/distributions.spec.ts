import { expect, test } from '@jupyterlab/galata';
import * as fs from 'fs';

import { fixtureRun, runInNewNotebook } from './helpers';

test.use({ autoGoto: true });

test.describe('layer distributions', () => {
  test('a row per layer: band chart, heat map and hints', async ({ page }) => {
    // Tall enough for the whole section in one screenshot.
    await page.setViewportSize({ width: 1280, height: 2200 });
    await runInNewNotebook(
      page,
      `${fixtureRun('distributions')}\ntc.show(run)`
    );
    const panel = page.locator('.jp-OutputArea .tc-panel');
    const section = panel.locator('.tc-distributions');
    await expect(section).toBeVisible();
    await expect(section.locator('.tc-distributions-heading')).toHaveText(
      /Distributions\s*3 layers · 1 weight/
    );
    const rows = section.locator('.tc-dist');
    await expect(rows).toHaveCount(4);
    await expect(rows.locator('.tc-dist-name')).toHaveText([
      'hidden',
      'dying',
      'logits',
      'hidden/kernel'
    ]);
    await expect(rows.nth(3).locator('.tc-dist-kind')).toHaveText('weights');
    await expect(rows.nth(1).locator('.tc-dist-facts')).toContainText(
      '87.5 % zeros'
    );
    for (let i = 0; i < 4; i++) {
      const row = rows.nth(i);
      await expect(
        row.locator('.tc-dist-chart[data-slot="band"] svg')
      ).toHaveCount(1);
      await expect(
        row.locator('.tc-dist-chart[data-slot="heatmap"] svg')
      ).toHaveCount(1);
    }
    // The charts are under the metric charts.
    const metrics = (await panel.locator('.tc-chart').last().boundingBox())!;
    const first = (await rows.first().boundingBox())!;
    expect(first.y).toBeGreaterThan(metrics.y + metrics.height - 1);

    const dead = rows.nth(1).locator('.tc-finding[data-kind="dead"]');
    await expect(dead).toContainText(
      'dying: 88% of activations are exactly zero at epoch 6'
    );
    await expect(dead).toContainText('Try: dead ReLUs');
    const exploding = rows.nth(2).locator('.tc-finding[data-kind="exploding"]');
    await expect(exploding).toContainText(
      'logits: 95 % quantile grew 11x from epoch 1 to 5'
    );
    await expect(rows.nth(0).locator('.tc-finding')).toHaveCount(0);

    // Hovering the heat map shows an epoch, a value range and a share.
    const heatmap = rows.nth(1).locator('.tc-dist-chart[data-slot="heatmap"]');
    await heatmap.scrollIntoViewIfNeeded();
    const box = (await heatmap.boundingBox())!;
    // The last epoch's column, bottom row: the dead layer's zeros.
    const grid = { left: 56, right: 64, top: 30, bottom: 40 };
    const cellX =
      box.x + grid.left + ((box.width - grid.left - grid.right) * 5.5) / 6;
    await page.mouse.move(cellX, box.y + box.height - grid.bottom - 2);
    const tooltip = heatmap.locator('.tc-tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('dying · epoch 6');
    await expect(tooltip).toContainText('share');

    const band = rows.nth(1).locator('.tc-dist-chart[data-slot="band"]');
    const bandBox = (await band.boundingBox())!;
    await page.mouse.move(
      bandBox.x + bandBox.width - 18,
      bandBox.y + bandBox.height / 2
    );
    await expect(band.locator('.tc-tooltip')).toContainText('median');
    await page.mouse.move(0, 0);

    await section.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1000); // the first drawing's animation
    await section.screenshot({ path: 'test-results/distributions.png' });
    await page.theme.setDarkTheme();
    await expect(
      rows.first().locator('.tc-dist-chart svg > rect').first()
    ).not.toHaveAttribute('fill', '#ffffff');
    await section.screenshot({ path: 'test-results/distributions-dark.png' });
    await page.theme.setLightTheme();

    // Export PNG takes the layers' charts along with the curves.
    await panel.locator('.tc-export > summary').click();
    const [picture] = await Promise.all([
      page.waitForEvent('download'),
      panel.locator('.tc-export-png').click()
    ]);
    const png = fs.readFileSync((await picture.path())!);
    fs.writeFileSync('test-results/distributions-export.png', png);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const height = png.readUInt32BE(20); // IHDR: width at 16, height at 20
    const scale = await page.evaluate(() => window.devicePixelRatio);
    const curves = (await panel.locator('.tc-charts').boundingBox())!;
    const lastLayer = (await rows.last().boundingBox())!;
    expect(height / scale).toBeGreaterThan(
      lastLayer.y + lastLayer.height - curves.y - 40
    );
  });

  test('collapses, and a snapshot of one epoch is a histogram', async ({
    page
  }) => {
    await runInNewNotebook(
      page,
      [
        'import traincurves as tc',
        'run = tc.Run("snapshot")',
        'run.log_distribution("dense", [0.0] * 30 + [i / 10 for i in range(1, 71)], 0)',
        'run.log_distribution("<img src=x onerror=window.__pwned=1>", [2.0] * 8, 0)',
        'run.finish()',
        'tc.show(run)'
      ].join('\n')
    );
    const section = page.locator('.jp-OutputArea .tc-distributions');
    const rows = section.locator('.tc-dist');
    await expect(rows).toHaveCount(2);
    // no curves: no epoch count and no curve controls
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await expect(panel.locator('.tc-progress')).toHaveText(/^layer snapshot/);
    await expect(panel.locator('.tc-toolbar')).toBeHidden();
    for (let i = 0; i < 2; i++) {
      await expect(
        rows.nth(i).locator('.tc-dist-chart[data-slot="histogram"] svg')
      ).toHaveCount(1);
      await expect(rows.nth(i).locator('.tc-dist-chart')).toHaveCount(1);
    }
    await expect(rows.nth(0).locator('.tc-dist-facts')).toContainText(
      '30 % zeros'
    );
    const hostile = rows.nth(1);
    await expect(hostile.locator('.tc-dist-name')).toHaveText(
      '<img src=x onerror=window.__pwned=1>'
    );
    const chart = hostile.locator('.tc-dist-chart');
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect(chart.locator('.tc-tooltip')).toContainText(
      '<img src=x onerror=window.__pwned=1> · epoch 1'
    );
    await expect(page.locator('.jp-OutputArea img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    await rows.first().scrollIntoViewIfNeeded();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(1000); // the first drawing's animation
    await section.screenshot({
      path: 'test-results/distributions-snapshot.png'
    });

    await section.locator('.tc-distributions-heading').click();
    await expect(rows.first()).toBeHidden();
    await section.locator('.tc-distributions-heading').click();
    await expect(rows.first()).toBeVisible();
    const svg = rows.first().locator('svg').first();
    await expect(svg).toBeVisible();
    expect((await svg.boundingBox())!.width).toBeGreaterThan(200);
  });

  test('follows a live run: histogram first, then band and heat map updated in place', async ({
    page
  }) => {
    await page.notebook.createNew('live-layers.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      [
        'import time, traincurves as tc',
        'run = tc.Run("live-layers"); run.total_epochs = 5',
        'run.start_live(every=0)',
        // One expression, no indented block: the editor would indent after it.
        '[(run.log(e, loss=1 / (e + 1)), run.log_distribution("dense", [v * (e + 1) for v in range(-5, 20)], e), time.sleep(1.5)) for e in range(5)]',
        'run.finish(); run.stop_live()'
      ].join('\n')
    );
    await page.notebook.selectCells(0);
    await page.keyboard.press('Control+Enter');
    const panel = page.locator('.jp-OutputArea .tc-panel');
    const row = panel.locator('.tc-dist');
    await expect(
      row.locator('.tc-dist-chart[data-slot="histogram"]')
    ).toHaveCount(1);
    const band = row.locator('.tc-dist-chart[data-slot="band"]');
    await expect(band).toHaveCount(1, { timeout: 30 * 1000 });
    await expect(row.locator('.tc-dist-chart')).toHaveCount(2);
    await band.evaluate(node => ((node as any).__tcMark = true));
    await expect(panel.locator('.tc-status')).toHaveText('finished', {
      timeout: 60 * 1000
    });
    await expect(row.locator('.tc-dist-facts')).toContainText('epoch 5');
    // The same chart, updated: not drawn anew on every update.
    expect(await band.evaluate(node => (node as any).__tcMark === true)).toBe(
      true
    );
    await expect(panel.locator('.tc-distributions .tc-dist')).toHaveCount(1);
    await expect(
      row
        .locator('.tc-dist-chart[data-slot="heatmap"] svg text')
        .getByText('5', { exact: true })
    ).toHaveCount(1);
  });
});
