import { expect, test } from '@jupyterlab/galata';

import { runInNewNotebook } from './helpers';

// A training job elsewhere: another process appends JSON Lines records.
const WRITER = [
  'import json, sys, time',
  'path = sys.argv[1]',
  'def put(record):',
  '    with open(path, "a") as f:',
  '        f.write(json.dumps(record) + "\\n")',
  'put({"type": "start", "version": 1, "run": "remote", "id": "remote", "total_epochs": 15})',
  'for e in range(15):',
  '    time.sleep(0.3)',
  '    put({"type": "epoch", "epoch": e, "metrics": {"loss": 1 / (e + 1), "val_loss": 1.2 / (e + 1)}})',
  'put({"type": "end", "status": "finished"})'
].join('\n');

test('tc.watch follows a run written by another process', async ({ page }) => {
  test.setTimeout(120 * 1000);
  await runInNewNotebook(
    page,
    [
      'import subprocess, sys, tempfile, pathlib',
      'import traincurves as tc',
      'folder = pathlib.Path(tempfile.mkdtemp())',
      `writer = subprocess.Popen([sys.executable, "-c", ${JSON.stringify(WRITER)}, str(folder / "remote.jsonl")])`,
      'watcher = tc.watch(str(folder / "*.jsonl"), timeout=60, every=0.2)'
    ].join('\n'),
    'watch.ipynb'
  );
  const panel = page.locator('.jp-OutputArea .tc-panel');
  await expect(panel.locator('.tc-status')).toHaveText('running', {
    timeout: 30 * 1000
  });
  const seen = new Set<number>();
  while ((await panel.locator('.tc-status').textContent()) === 'running') {
    const match = /epoch (\d+)\/15/.exec(
      (await panel.locator('.tc-progress').textContent()) ?? ''
    );
    if (match) {
      seen.add(Number(match[1]));
    }
    await page.waitForTimeout(100);
  }
  expect(seen.size).toBeGreaterThanOrEqual(3);
  await expect(panel.locator('.tc-status')).toHaveText('finished');
  await expect(panel.locator('.tc-progress')).toHaveText(/^15 epochs/);
  await expect(panel.locator('.tc-chart')).toHaveCount(1);
});
