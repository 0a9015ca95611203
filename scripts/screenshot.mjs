/**
 * The README's pictures, from the demo as a user runs it: executes
 * examples/demo.ipynb with nbconvert, opens the result in a throwaway
 * JupyterLab in headless Chromium and photographs the first training panel
 * (docs/screenshot.png) and its Distributions section (docs/distributions.png).
 *
 *   node scripts/screenshot.mjs [--port 8896]
 *
 * Needs make install (the package and its labextension in .venv).
 */

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import CHROMIUM from '../ui-tests/chromium.js';
import { Lab, ROOT, VENV_BIN, parseOptions } from '../bench/lib.mjs';

const { port } = parseOptions('screenshot.mjs', { port: 8896 });
const lab = new Lab('screenshot', port);

await lab.run(async () => {
  lab.log('executing examples/demo.ipynb');
  execFileSync(
    join(VENV_BIN, 'jupyter'),
    [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      join(ROOT, 'examples', 'demo.ipynb'),
      '--output-dir',
      lab.dir
    ],
    { env: { ...process.env, KERAS_BACKEND: 'torch' }, stdio: 'pipe' }
  );
  lab.browser = await chromium.launch({ ...CHROMIUM, headless: true });
  // Tall enough that the whole panel is on screen: JupyterLab scrolls the
  // notebook inside its own box, and only what is visible can be captured.
  const page = await lab.browser.newPage({
    viewport: { width: 1300, height: 3200 }
  });
  await page.goto(`${lab.base}/lab/tree/demo.ipynb`);
  const panel = page.locator('.jp-OutputArea .tc-panel').first();
  await panel.locator('.tc-chart svg').first().waitFor({ timeout: 90_000 });
  await page.keyboard.press('Control+b'); // the file browser takes room
  await page.waitForTimeout(2000); // resize, and the first drawing's animation
  await panel.scrollIntoViewIfNeeded();
  const box = await panel.boundingBox();
  const charts = await panel
    .locator('.tc-findings, .tc-charts')
    .last()
    .boundingBox();
  await page.screenshot({
    path: join(ROOT, 'docs', 'screenshot.png'),
    clip: {
      x: box.x - 8,
      y: box.y - 8,
      width: box.width + 16,
      height: charts.y + charts.height - box.y + 16
    }
  });
  await panel
    .locator('.tc-distributions')
    .screenshot({ path: join(ROOT, 'docs', 'distributions.png') });
  lab.log('wrote docs/screenshot.png and docs/distributions.png');
});
