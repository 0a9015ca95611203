import { expect, test } from '@jupyterlab/galata';

import { DIGITS_MODEL } from './helpers';

/**
 * JupyterLab with the traincurves extension disabled (the "nopanel" project
 * of playwright.config.js: its server's page_config.json disables it), a
 * stand-in for VS Code, Colab and other frontends that draw the bundle's
 * image/svg+xml but not our panel: the picture is live during a fit.
 */

test.use({ autoGoto: true });

// One line each: the cell editor would indent the lines after a block.
const TRAINING = [
  ...DIGITS_MODEL,
  // Epochs of at least 0.4 s: a fit of several seconds on any machine.
  'slow = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(0.4))',
  'model.fit(x[:1000], y[:1000], validation_data=(x[1000:], y[1000:]), epochs=15, batch_size=64, verbose=0, callbacks=[tc.LivePlot(name="nopanel"), slow]);'
].join('\n');

/** The SVG text of an <img> JupyterLab made for image/svg+xml. */
function svgOf(src: string | null): string {
  if (!src) {
    return '';
  }
  const comma = src.indexOf(',');
  const head = src.slice(0, comma);
  const body = src.slice(comma + 1);
  return head.endsWith(';base64')
    ? Buffer.from(body, 'base64').toString('utf-8')
    : decodeURIComponent(body);
}

test('without the extension the picture in the output is live', async ({
  page
}) => {
  test.setTimeout(300 * 1000);
  await page.notebook.createNew('nopanel.ipynb');
  await page.notebook.setCell(0, 'code', TRAINING);
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter');

  const cell = page.locator('.jp-Notebook .jp-Cell').first();
  const picture = cell.locator('.jp-OutputArea-output img').first();
  await expect(picture).toBeAttached({ timeout: 120 * 1000 });

  // Look until the run has finished; count the pictures seen while running.
  const running = new Set<string>();
  let svg = '';
  const deadline = Date.now() + 240 * 1000;
  while (Date.now() < deadline) {
    svg = svgOf(await picture.getAttribute('src').catch(() => null));
    if (svg.includes('(finished)')) {
      break;
    }
    if (svg.includes('(running)')) {
      running.add(svg);
    }
    await page.waitForTimeout(100);
  }
  expect(running.size).toBeGreaterThanOrEqual(3);
  expect(svg).toContain('aria-label="training curves: nopanel (finished)"');
  expect(svg).toContain('finished · 15 epochs');
  // No panel without the extension; one output, replaced in place.
  await expect(cell.locator('.tc-panel')).toHaveCount(0);
  await expect(cell.locator('.jp-OutputArea-output')).toHaveCount(1);
  await expect(cell.locator('.jp-OutputArea-output')).not.toContainText(
    'application/vnd.traincurves'
  );
});
