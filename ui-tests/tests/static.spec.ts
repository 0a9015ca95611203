/**
 * Where the extension is not installed: `jupyter nbconvert --to html
 * --execute` of a notebook showing panels, opened from the file in Chromium,
 * shows each panel's static SVG picture (no JupyterLab involved).
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { fixtureHistory } from './helpers';

const REPO = path.resolve(__dirname, '..', '..');

function cell(source: string): object {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source
  };
}

/** A small notebook: a panel, one with hostile names, one with the picture off. */
function notebook(): string {
  const basic = fixtureHistory('basic');
  const hostile = fixtureHistory('hostile_names');
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    cells: [
      cell('import traincurves as tc'),
      cell(`tc.show(${basic.source}, name=${JSON.stringify(basic.name)})`),
      cell(`tc.show(${hostile.source}, name=${JSON.stringify(hostile.name)})`),
      cell(
        `tc.configure(static=False)\ntc.show(${basic.source}, name="no picture")`
      )
    ].map((c, i) => ({ ...c, id: `cell-${i}` }))
  });
}

test('an nbconvert HTML export shows the static picture', async ({ page }) => {
  test.setTimeout(120 * 1000);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-static-'));
  const source = path.join(folder, 'static.ipynb');
  fs.writeFileSync(source, notebook());
  // The kernel imports the package from this source tree.
  execFileSync(
    'jupyter',
    ['nbconvert', '--to', 'html', '--execute', source, '--output-dir', folder],
    {
      env: { ...process.env, PYTHONPATH: path.join(REPO, 'python') },
      stdio: 'pipe',
      timeout: 90 * 1000
    }
  );
  const html = fs.readFileSync(path.join(folder, 'static.html'), 'utf-8');

  // nbconvert embeds an SVG output as an <img> with a data URI.
  const pictures = [
    ...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)
  ].map(m => Buffer.from(m[1], 'base64').toString('utf-8'));
  expect(pictures).toHaveLength(2);
  expect(pictures[0]).toContain('class="tc-title"');
  expect(pictures[0].match(/class="tc-series"/g)).toHaveLength(4);
  // static=False: the text summary is what the export shows
  expect(html).toContain("<pre>traincurves run 'no picture': finished");

  // Offline: the template's CDN scripts fail fast instead of hanging.
  await page.route(/^(?!file:)/, route => route.abort());
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(String(error)));
  await page.goto(`file://${path.join(folder, 'static.html')}`, {
    waitUntil: 'domcontentloaded'
  });
  const images = page.locator('.jp-RenderedSVG img');
  await expect(images).toHaveCount(2);
  const first = images.nth(0);
  await first.scrollIntoViewIfNeeded();
  await expect(first).toBeVisible();
  // decoded and drawn at its own width: the browser read the SVG
  await expect
    .poll(() => first.evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(800);
  const box = (await first.boundingBox())!;
  expect(box.width).toBeGreaterThan(600);
  expect(box.height).toBeGreaterThan(250);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  // The hostile names are text: no element or attribute came from them.
  const parsed = await page.evaluate((svg: string) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const elements = [...doc.querySelectorAll('*')];
    return {
      error: doc.querySelector('parsererror') !== null,
      tags: [...new Set(elements.map(e => e.localName))].sort(),
      attributes: [
        ...new Set(elements.flatMap(e => e.getAttributeNames()))
      ].filter(name => /^on|href/i.test(name)),
      title: doc.querySelector('.tc-title')?.textContent
    };
  }, pictures[1]);
  expect(parsed.error).toBe(false);
  expect(parsed.tags).toEqual([
    'circle',
    'line',
    'path',
    'rect',
    'svg',
    'text',
    'title',
    'tspan'
  ]);
  expect(parsed.attributes).toEqual([]);
  expect(parsed.title).toBe(fixtureHistory('hostile_names').name);
  expect(errors.filter(e => /pwned/.test(e))).toEqual([]);

  const shots = path.join(REPO, 'ui-tests', 'test-results');
  // The cell with its picture, as a reader of the export sees it.
  await page
    .locator('.jp-Cell')
    .nth(1)
    .screenshot({ path: path.join(shots, 'static-html.png') });
  await page.screenshot({
    path: path.join(shots, 'static-html-page.png'),
    fullPage: true
  });
  fs.rmSync(folder, { recursive: true, force: true }); // kept when it failed
});

test('the executed demo notebook exported to HTML keeps a picture of each training panel', async ({
  page
}) => {
  test.setTimeout(300 * 1000);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-demo-html-'));
  execFileSync(
    'jupyter',
    [
      'nbconvert',
      '--to',
      'html',
      '--execute',
      path.join(REPO, 'examples', 'demo.ipynb'),
      '--output-dir',
      folder
    ],
    {
      env: {
        ...process.env,
        PYTHONPATH: path.join(REPO, 'python'),
        KERAS_BACKEND: 'torch'
      },
      stdio: 'pipe',
      timeout: 240 * 1000
    }
  );
  const html = fs.readFileSync(path.join(folder, 'demo.html'), 'utf-8');
  const pictures = [
    ...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)
  ].map(m => Buffer.from(m[1], 'base64').toString('utf-8'));
  // the live digits-mlp run with its layers, the early-stopped one, the Run
  // shown again, and the snapshot of the trained model's layers
  expect(pictures).toHaveLength(4);
  expect(pictures[0]).toContain('digits-mlp (finished)');
  expect(pictures[0].match(/class="tc-layer"/g)).toHaveLength(3);
  expect(pictures[1]).toContain('wide-fast (stopped early');
  expect(pictures[3]).toContain('data-layer="hidden_2/kernel"');

  await page.route(/^(?!file:)/, route => route.abort());
  await page.goto(`file://${path.join(folder, 'demo.html')}`, {
    waitUntil: 'domcontentloaded'
  });
  const images = page.locator('.jp-RenderedSVG img');
  await expect(images).toHaveCount(4);
  const second = images.nth(1);
  await second.scrollIntoViewIfNeeded();
  await expect
    .poll(() => second.evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBe(800);
  await second.screenshot({
    path: path.join(REPO, 'ui-tests', 'test-results', 'demo-html-panel.png')
  });
  fs.rmSync(folder, { recursive: true, force: true });
});
