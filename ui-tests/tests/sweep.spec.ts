import { expect, test } from '@jupyterlab/galata';
import type { Page } from '@playwright/test';

import { savedPanelNotebook } from './helpers';

/** Times of mouse moves: from the event to the end of the next frame. */
async function timeMoves(page: Page): Promise<void> {
  await page.evaluate(() => {
    const times: number[] = [];
    document.addEventListener(
      'mousemove',
      () => {
        const start = performance.now();
        requestAnimationFrame(() =>
          setTimeout(() => times.push(performance.now() - start), 0)
        );
      },
      { capture: true }
    );
    (window as any).moveTimes = times;
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

test.describe('a sweep of 200 runs', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.setViewportSize({ width: 1300, height: 1500 });
    await page.contents.uploadContent(
      savedPanelNotebook('comparisons/sweep_200', { kernel: true }),
      'text',
      `${tmpPath}/sweep.ipynb`
    );
    await timeMoves(page);
    const start = Date.now();
    await page.notebook.openByPath(`${tmpPath}/sweep.ipynb`);
    await expect(
      page.locator('.tc-panel .tc-chart[data-family="loss"] svg')
    ).toBeVisible();
    await expect(
      page.locator(
        '.tc-panel .tc-chart[data-family="loss"] svg path[stroke-width="2"]'
      )
    ).not.toHaveCount(0);
    console.log(
      `sweep of 200 runs: notebook opened to charts drawn in ${Date.now() - start} ms`
    );
  });

  test('reads at a glance: best runs strong, table, params, findings', async ({
    page
  }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await expect(panel.locator('.tc-table-count')).toHaveText(
      '200 of 200 runs shown'
    );
    await expect(panel.locator('.tc-table tbody tr')).toHaveCount(200);
    // Ranked best first, the best 5 in bold.
    await expect(panel.locator('.tc-table tbody tr.tc-strong')).toHaveCount(5);
    await expect(
      panel.locator('.tc-table tbody tr').first().locator('td').nth(1)
    ).toHaveText('1');
    // Findings grouped by kind, one line each.
    await expect(panel.locator('.tc-finding-group summary').first()).toHaveText(
      /^[\w ]+ · \d+ of 200 runs$/
    );
    await expect(panel.locator('.tc-finding')).toHaveCount(0);
    await expect(panel.locator('.tc-param-chart')).toHaveCount(2);
    // No legend: the table is the legend.
    await expect(
      panel.locator('.tc-chart[data-family="loss"] svg text', {
        hasText: /\d \(best /
      })
    ).toHaveCount(0);
    await panel.screenshot({
      path: test.info().outputPath('sweep-default.png')
    });
  });

  test('hovering a curve highlights its run in every chart and the table', async ({
    page
  }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    const named = panel.locator('.tc-hover-run');
    const box = (await panel
      .locator('.tc-chart[data-family="loss"]')
      .boundingBox())!;
    await page.evaluate(() => ((window as any).moveTimes.length = 0));
    // Down the middle of the loss chart until a curve is under the pointer.
    let hit = false;
    for (let f = 0.15; f < 0.8 && !hit; f += 0.01) {
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * f);
      hit = / · #\d+/.test((await named.textContent()) ?? '');
    }
    expect(hit).toBe(true);
    const moves: number[] = await page.evaluate(() => [
      ...(window as any).moveTimes
    ]);
    console.log(
      `hover over 200 runs: ${moves.length} moves, median ${median(moves).toFixed(1)} ms, ` +
        `max ${Math.max(...moves).toFixed(1)} ms`
    );
    const run = ((await named.textContent()) ?? '').split(' · ')[0];
    // Its row is marked, its curves drawn on top in both charts.
    await expect(panel.locator('.tc-table tr.tc-hovered')).toHaveCount(1);
    await expect(
      panel.locator('.tc-table tr.tc-hovered td', { hasText: run })
    ).toHaveCount(1);
    for (const family of ['loss', 'accuracy']) {
      await expect(
        panel.locator(
          `.tc-chart[data-family="${family}"] svg path[stroke-width="3"]`
        )
      ).not.toHaveCount(0);
    }
    await panel.screenshot({ path: test.info().outputPath('sweep-hover.png') });

    // A table row highlights its run the same way.
    await page.mouse.move(0, 0);
    await expect(named).not.toHaveText(new RegExp(`^${run} `));
    const row = panel.locator('.tc-table tbody tr').nth(7);
    const name = (await row.locator('td').nth(2).textContent())!.trim();
    await row.hover();
    await expect(named).toHaveText(new RegExp(`^${name} · `));
    await expect(
      panel.locator(
        '.tc-chart[data-family="accuracy"] svg path[stroke-width="3"]'
      )
    ).not.toHaveCount(0);
  });

  test('the table filters by name and param, ticks hide runs', async ({
    page
  }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await panel.locator('.tc-table-search').fill('width=512');
    await expect(panel.locator('.tc-table-count')).not.toHaveText(
      '200 of 200 runs shown'
    );
    const shown = Number(
      (await panel.locator('.tc-table-count').textContent())!.split(' ')[0]
    );
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(200);
    await expect(panel.locator('.tc-table tbody tr')).toHaveCount(shown);
    const widths = await panel
      .locator('.tc-table tbody tr td:nth-child(6)')
      .allTextContents();
    expect(new Set(widths)).toEqual(new Set(['512']));
    // Unticking a run takes it off the charts, not out of the table.
    await panel.locator('.tc-table tbody tr .tc-tick').first().uncheck();
    await expect(panel.locator('.tc-table-count')).toHaveText(
      `${shown - 1} of 200 runs shown`
    );
    await expect(panel.locator('.tc-table tbody tr')).toHaveCount(shown);
  });

  test('brushing a parallel axis filters the curves and the table', async ({
    page
  }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    const parallel = panel.locator('.tc-param-chart[data-chart="parallel"]');
    await parallel.scrollIntoViewIfNeeded();
    const box = (await parallel.boundingBox())!;
    // Along the first axis (lr, at the chart's left padding): a range in
    // its middle.
    const x = box.x + 48;
    await page.mouse.move(x, box.y + 56 + (box.height - 84) * 0.3);
    await page.mouse.down();
    await page.mouse.move(x, box.y + 56 + (box.height - 84) * 0.45, {
      steps: 5
    });
    await page.mouse.move(x, box.y + 56 + (box.height - 84) * 0.6, {
      steps: 5
    });
    await page.mouse.up();
    await expect(panel.locator('.tc-table-count')).not.toHaveText(
      '200 of 200 runs shown'
    );
    const shown = Number(
      (await panel.locator('.tc-table-count').textContent())!.split(' ')[0]
    );
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(200);
    await expect(panel.locator('.tc-table tbody tr')).toHaveCount(shown);
    await panel.screenshot({
      path: test.info().outputPath('sweep-brushed.png')
    });
  });

  test('colours runs by lr on a log colour bar', async ({ page }) => {
    const panel = page.locator('.jp-OutputArea .tc-panel');
    await panel.locator('.tc-colorby-input').selectOption('param:lr');
    await expect(panel.locator('.tc-colorbar-title')).toHaveText('lr (log)');
    await expect(panel.locator('.tc-colorbar-ticks span')).not.toHaveCount(0);
    await panel.screenshot({
      path: test.info().outputPath('sweep-colour-lr.png')
    });
  });
});
