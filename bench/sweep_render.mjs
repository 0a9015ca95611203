/**
 * A sweep's panel in headless Chromium: first render and hover cost for
 * 200 and 1000 runs × 100 epochs × 4 metrics (test/sweepPayload.ts).
 *
 *   node bench/sweep_render.mjs
 *
 * First render: renderModel() to painted (bench/render-entry.ts), a new
 * 1000 px panel each time. Hover: the mouse swept across the loss chart in
 * small steps; each move timed from its event to the end of the next frame,
 * when the tooltip, the highlighted run and the table row are painted.
 * Needs node_modules (make install) and /usr/bin/chromium; never downloads.
 */

/* global window, requestAnimationFrame, setTimeout */

import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import CHROMIUM from '../ui-tests/chromium.js';
import { fmt, percentile, ROOT } from './lib.mjs';

const SIZES = [200, 1000];
const REPS = { 200: 5, 1000: 3 };
const MOVES = 60;
const TARGETS = { render: 1000, hover: 50 };

async function bundle() {
  const result = await build({
    entryPoints: [join(ROOT, 'bench/sweep-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning'
  });
  return result.outputFiles[0].text;
}

/** Sweep the pointer over the loss chart, row by row; one time per move. */
async function hover(page) {
  const box = await page.locator('.tc-chart').first().boundingBox();
  await page.evaluate(() => (window.moveTimes.length = 0));
  for (let i = 0; i < MOVES; i++) {
    const x = box.x + 70 + ((box.width - 110) * i) / MOVES;
    const y = box.y + 50 + ((box.height - 120) * ((i * 7) % MOVES)) / MOVES;
    await page.mouse.move(x, y);
    // The move's frame, then the next: times are pushed after a frame.
    await page.evaluate(
      () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 20)))
    );
  }
  await page.mouse.move(0, 0);
  return page.evaluate(() => [...window.moveTimes]);
}

async function main() {
  const script = await bundle();
  const browser = await chromium.launch({
    executablePath: CHROMIUM.executablePath,
    headless: true,
    args: [...CHROMIUM.args, '--js-flags=--expose-gc']
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1200, height: 1000 }
    });
    const css = readFileSync(join(ROOT, 'style/base.css'), 'utf-8');
    await page.setContent(
      `<html><head><style>${css}
        body { width: 1000px; margin: 0; font-family: sans-serif; }
      </style></head><body></body></html>`
    );
    await page.addScriptTag({ content: script });
    await page.evaluate(() => window.listenMoves());
    console.log(
      'runs  reps  render median ms   max  target    hover median ms   p95   max  target'
    );
    for (const count of SIZES) {
      await page.evaluate(n => (window.sweep = window.makeSweep(n)), count);
      const renders = [];
      for (let i = 0; i < REPS[count]; i++) {
        renders.push(
          await page.evaluate(() => {
            window.gc();
            return window.renderSweep(window.sweep);
          })
        );
      }
      const moves = await hover(page);
      const [r, h] = [percentile(renders, 50), percentile(moves, 50)];
      console.log(
        `${String(count).padStart(4)}  ${String(renders.length).padStart(4)}  ` +
          `${fmt(r, 16)} ${fmt(Math.max(...renders), 6)}  ${r <= TARGETS.render ? '<=' : '> '}${TARGETS.render}  ` +
          `${fmt(h, 16)} ${fmt(percentile(moves, 95), 5)} ${fmt(Math.max(...moves), 5)}  ${h <= TARGETS.hover ? '<=' : '> '}${TARGETS.hover}`
      );
    }
    console.log(
      `\nmax: the first render, which also evaluates ECharts (200) or meets ` +
        `a cold page for the size; hover: ${MOVES} moves over the loss chart.`
    );
  } finally {
    await browser.close();
  }
}

await main();
