import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';

import { DIGITS_MODEL } from './helpers';

// Galata's kernel tracking proxies POST /api/kernels/* and reads a JSON
// body, which an interrupt's empty answer does not have; the sessions it
// tracks still shut their kernels down after each test.
test.use({ autoGoto: true, kernels: null });

// A Keras fit slow enough to be stopped mid-run: 0.3 s an epoch of 200.
const SLOW_FIT = [
  ...DIGITS_MODEL,
  'slow = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: time.sleep(0.3))',
  'model.fit(x[:1200], y[:1200], validation_data=(x[1200:], y[1200:]), epochs=200, verbose=0, callbacks=[tc.LivePlot(name="slow"), slow])'
].join('\n');

/** Start the slow fit in a new notebook; resolve once 3 epochs are shown. */
async function startSlowFit(page: IJupyterLabPageFixture, file: string) {
  await page.notebook.createNew(file);
  await page.notebook.setCell(0, 'code', SLOW_FIT);
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter'); // run, without waiting
  const panel = page
    .locator('.jp-Notebook .jp-Cell')
    .first()
    .locator('.tc-panel');
  await expect(panel.locator('.tc-progress')).toHaveText(
    /^epoch ([3-9]|\d\d+)\/200 .*ETA/,
    { timeout: 120 * 1000 }
  );
  return panel;
}

/** Save, reload the page, and show the notebook's first panel again. */
async function saveAndReload(page: IJupyterLabPageFixture, path: string) {
  await page.notebook.save();
  // Galata's readiness check waits for the launcher, which a restored
  // notebook replaces: wait for the notebook instead.
  // The option is Galata's; its fixture type only shows Playwright's reload.
  type GalataReload = (options: { waitForIsReady: boolean }) => Promise<void>;
  await (page as unknown as { reload: GalataReload }).reload({
    waitForIsReady: false
  });
  const name = path.split('/').pop()!;
  await expect(page.locator('.jp-NotebookPanel')).toBeVisible();
  if (!(await page.notebook.isOpen(name))) {
    await page.notebook.openByPath(path);
  }
  await page.notebook.activate(name);
  // The restored layout may hold another notebook (the one galata created
  // as Untitled.ipynb before renaming it): look in the one shown only.
  return page
    .locator('.jp-NotebookPanel:not(.lm-mod-hidden) .tc-panel')
    .first();
}

/** Press a button of the notebook's toolbar. */
async function pressToolbar(page: IJupyterLabPageFixture, command: string) {
  await page
    .locator(`.jp-NotebookPanel-toolbar [data-command="notebook:${command}"]`)
    .click();
}

/** A panel that no longer claims to be training: no ETA, no progress bar. */
async function expectNotLive(panel: Locator) {
  await expect(panel.locator('.tc-progress')).not.toContainText('ETA');
  await expect(panel.locator('.tc-progressbar')).toHaveCount(0);
}

/** The epochs a stopped panel says it shows. */
async function epochsShown(panel: Locator) {
  const text = (await panel.locator('.tc-progress').textContent()) ?? '';
  const match = /^(\d+) epochs/.exec(text);
  expect(match, `progress text: ${text}`).not.toBeNull();
  return Number(match![1]);
}

test('the interrupt button ends the panel interrupted, also after a reload', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(240 * 1000);
  const panel = await startSlowFit(page, 'interrupt.ipynb');
  await pressToolbar(page, 'interrupt-kernel');

  await expect(panel.locator('.tc-status')).toHaveText('interrupted');
  await expectNotLive(panel);
  await expect(panel.locator('.tc-warning')).toHaveText(/^KeyboardInterrupt/);
  const epochs = await epochsShown(panel);
  expect(epochs).toBeGreaterThanOrEqual(3);
  await expect(panel.locator('.tc-chart')).toHaveCount(2);
  // The traceback is under the panel, in the same output area.
  await expect(
    page
      .locator('.jp-Notebook .jp-Cell')
      .first()
      .locator('.jp-OutputArea-output')
      .filter({ hasText: 'KeyboardInterrupt' })
  ).not.toHaveCount(0);
  await page.screenshot({ path: 'test-results/interrupted.png' });

  const reloaded = await saveAndReload(page, `${tmpPath}/interrupt.ipynb`);
  await expect(reloaded.locator('.tc-status')).toHaveText('interrupted');
  expect(await epochsShown(reloaded)).toBe(epochs);
  await expectNotLive(reloaded);
});

test('a kernel restarted mid-fit leaves a panel that does not claim to run', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(240 * 1000);
  const panel = await startSlowFit(page, 'restart.ipynb');
  await pressToolbar(page, 'restart-kernel');
  await page.locator('.jp-Dialog .jp-mod-accept').click();

  const status = panel.locator('.tc-status');
  await expect(status).toHaveText('kernel restarted');
  await expect(status).toHaveClass(/tc-status-stale/);
  await expect(panel.locator('.tc-stale')).toContainText(
    'restarted before the run ended'
  );
  await expectNotLive(panel);
  expect(await epochsShown(panel)).toBeGreaterThanOrEqual(3);
  await page.screenshot({ path: 'test-results/restarted.png' });

  // Saved as running; reopened under the new kernel process: the output
  // data still says running, the panel says what is known.
  const reopened = await saveAndReload(page, `${tmpPath}/restart.ipynb`);
  await expect(reopened.locator('.tc-status')).toHaveText(
    'running when last saved'
  );
  await expectNotLive(reopened);
});
