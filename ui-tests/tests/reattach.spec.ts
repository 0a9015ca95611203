import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { DIGITS_MODEL } from './helpers';

// Galata's kernel tracking proxies POST /api/kernels/* (see ending.spec.ts);
// the sessions it tracks still shut their kernels down after each test.
test.use({ autoGoto: true, kernels: null });

const EPOCHS = 8;

// A Keras fit that, once its panel shows epoch 3, waits for a file named
// "go" in the notebook's folder: the test reloads the page meanwhile and
// creates the file when the reloaded page is ready, so the run grows after
// the reload however slow the machine is.
const GATED_FIT = [
  ...DIGITS_MODEL,
  'def gate(epoch, logs):',
  '    time.sleep(0.2)',
  '    while epoch == 2 and not os.path.exists("go"):',
  '        time.sleep(0.1)',
  '',
  `model.fit(x[:1200], y[:1200], validation_data=(x[1200:], y[1200:]), epochs=${EPOCHS}, verbose=0, callbacks=[tc.LivePlot(name="gated"), keras.callbacks.LambdaCallback(on_epoch_end=gate)])`
].join('\n');

const MIME = 'application/vnd.traincurves.v1+json';

/** The panels of the notebook shown (a restored layout may hold others). */
function shownPanels(page: IJupyterLabPageFixture) {
  return page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .tc-panel');
}

/**
 * Write a notebook whose one cell is the gated fit, open it and run the
 * cell; resolve once the panel shows epoch 3. The file is written, not made
 * with File > New: Galata renames a new notebook, and the kernel's session
 * may keep the old path, which a reloaded page would not find.
 */
async function startGatedFit(page: IJupyterLabPageFixture, path: string) {
  const notebook = {
    cells: [
      {
        cell_type: 'code',
        id: 'gated-fit',
        execution_count: null,
        metadata: {},
        outputs: [],
        source: GATED_FIT
      }
    ],
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
  await page.contents.uploadContent(JSON.stringify(notebook), 'text', path);
  await page.notebook.openByPath(path);
  await page.notebook.activate(path.split('/').pop()!);
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter'); // run, without waiting
  const panel = shownPanels(page);
  await expect(panel.locator('.tc-progress')).toHaveText(
    new RegExp(`^epoch 3/${EPOCHS} `),
    { timeout: 120 * 1000 }
  );
}

/** Reload the page, leaving unsaved changes, and show the notebook again. */
async function reload(page: IJupyterLabPageFixture, path: string) {
  // Outputs changed since the last save: JupyterLab asks before leaving.
  const leave = (dialog: { type(): string; accept(): Promise<void> }) =>
    dialog.type() === 'beforeunload' ? dialog.accept() : undefined;
  page.on('dialog', leave);
  // Galata's readiness check waits for the launcher, which a restored
  // notebook replaces: wait for the notebook instead. The option is
  // Galata's; its fixture type only shows Playwright's reload.
  type GalataReload = (options: { waitForIsReady: boolean }) => Promise<void>;
  await (page as unknown as { reload: GalataReload }).reload({
    waitForIsReady: false
  });
  page.off('dialog', leave);
  const name = path.split('/').pop()!;
  await expect(page.locator('.jp-NotebookPanel')).toBeVisible();
  if (!(await page.notebook.isOpen(name))) {
    await page.notebook.openByPath(path);
  }
  await page.notebook.activate(name);
  // The page follows the kernel the notebook's session runs.
  await expect(
    page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
  ).toBeVisible();
  await page.waitForFunction(() => {
    const app = (window as any).jupyterapp;
    const widget = app.shell.currentWidget;
    return (
      widget?.sessionContext?.session?.kernel?.connectionStatus === 'connected'
    );
  });
}

/** Let the fit go on past epoch 3. */
async function release(page: IJupyterLabPageFixture, folder: string) {
  await page.contents.uploadContent('go', 'text', `${folder}/go`);
}

interface SavedCell {
  id: string;
  execution_count: number | null;
  outputs: { output_type: string; data?: Record<string, any> }[];
}

/** The notebook's first cell as the file on disk holds it. */
async function savedCell(
  page: IJupyterLabPageFixture,
  path: string
): Promise<SavedCell> {
  const model = await page.evaluate(
    async p =>
      (window as any).jupyterapp.serviceManager.contents.get(p, {
        content: true
      }),
    path
  );
  return model.content.cells[0];
}

/** The file's first cell holds one panel: the gated run, finished. */
async function expectSavedFinished(page: IJupyterLabPageFixture, path: string) {
  const cell = await savedCell(page, path);
  const panels = cell.outputs.filter(o => o.data?.[MIME] !== undefined);
  expect(panels).toHaveLength(1);
  expect(panels[0].output_type).toBe('display_data');
  const payload = panels[0].data![MIME];
  expect(payload.runs[0].name).toBe('gated');
  expect(payload.runs[0].status).toBe('finished');
  expect(payload.runs[0].epochs).toHaveLength(EPOCHS);
  expect(payload.origin.cell).toBe(cell.id);
  expect(cell.execution_count).toBe(payload.origin.execution);
  // The last update carries the static picture for other frontends.
  expect(panels[0].data!['image/svg+xml']).toBeTruthy();
}

test('a reloaded page picks a running panel up and saves its finished run', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300 * 1000);
  const path = `${tmpPath}/reattach.ipynb`;
  await startGatedFit(page, path);
  await page.notebook.save(); // the panel at epoch 3 is in the file

  await reload(page, path);
  const panel = shownPanels(page);
  await expect(panel).toHaveCount(1);
  await expect(panel.locator('.tc-status')).toHaveText('running');
  await expect(panel.locator('.tc-progress')).toHaveText(
    new RegExp(`^epoch 3/${EPOCHS} `)
  );

  await release(page, tmpPath);
  await expect(panel.locator('.tc-status')).toHaveText('finished', {
    timeout: 120 * 1000
  });
  await expect(panel.locator('.tc-progress')).toHaveText(
    new RegExp(`^${EPOCHS} epochs`)
  );
  await expect(shownPanels(page)).toHaveCount(1); // updated, not added
  await expect(panel.locator('.tc-chart')).toHaveCount(2);
  await page.screenshot({ path: '/tmp/reattach.png' });

  await page.notebook.save();
  await expectSavedFinished(page, path);
});

test('a reloaded page adds the panel of a cell saved before it ran', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300 * 1000);
  const path = `${tmpPath}/unsaved.ipynb`;
  await startGatedFit(page, path);
  expect((await savedCell(page, path)).outputs).toHaveLength(0);

  await reload(page, path); // the panel was never saved
  await expect(shownPanels(page)).toHaveCount(0);

  await release(page, tmpPath);
  const panel = shownPanels(page);
  await expect(panel.locator('.tc-status')).toHaveText('finished', {
    timeout: 120 * 1000
  });
  await expect(shownPanels(page)).toHaveCount(1);
  await page.notebook.save();
  await expectSavedFinished(page, path);
});

test('a cell run again in the reloaded page takes no update of its old run', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300 * 1000);
  const path = `${tmpPath}/again.ipynb`;
  await startGatedFit(page, path);
  await reload(page, path);
  // Queued behind the old run, which still holds the kernel.
  await page.notebook.selectCells(0);
  await page.keyboard.press('Control+Enter');

  await release(page, tmpPath);
  const panel = shownPanels(page);
  await expect(panel.locator('.tc-status')).toHaveText('finished', {
    timeout: 180 * 1000
  });
  await expect(shownPanels(page)).toHaveCount(1);
  await page.notebook.save();
  const cell = await savedCell(page, path);
  const panels = cell.outputs.filter(o => o.data?.[MIME] !== undefined);
  // Only the new execution's panel: the old run's updates never landed.
  expect(panels).toHaveLength(1);
  expect(cell.execution_count).toBe(2);
  expect(panels[0].data![MIME].origin.execution).toBe(2);
});
