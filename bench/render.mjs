/**
 * Renderer speed: how long the panel takes from renderModel() to painted
 * charts in headless Chromium, for one run of 4 metrics x N epochs.
 *
 *   node bench/render.mjs            # the tables
 *   node bench/render.mjs --profile [N]  # also a CPU profile of 4 x N
 *                                        # (N defaults to 100000)
 *
 * Needs node_modules (make install) and /usr/bin/chromium; never downloads.
 */

// `window` is used in page.evaluate() callbacks, which run in the page.
/* global window */

import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import CHROMIUM from '../ui-tests/chromium.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = [100, 1000, 10000, 100000];
// The 2-core machine is noisy: more repetitions where they are cheap.
const REPS = { 100: 15, 1000: 15, 10000: 11, 100000: 7 };
const TARGETS = { 1000: 50, 100000: 400 };
const UPDATE_REPS = 15;

// ---- payloads -------------------------------------------------------------

/** Deterministic noise, so every run of the bench draws the same curves. */
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keras logs float32; the Python side writes its shortest decimal. */
const float32 = v => Number(Math.fround(v).toPrecision(7));

/**
 * Noisy decaying curves shaped like a real fit: val_loss bottoms out and
 * creeps back up (overfitting), accuracies saturate below 1. Each metric has
 * its own noise stream, so a payload of n + 1 epochs extends the one of n.
 */
const CURVES = {
  loss: (x, r) => (0.08 + 2.2 * Math.exp(-5 * x)) * (1 + 0.08 * (r() - 0.5)),
  accuracy: (x, r) => 0.97 - 0.6 * Math.exp(-6 * x) + 0.02 * (r() - 0.5),
  val_loss: (x, r) =>
    (0.3 + 1.9 * Math.exp(-5 * x) + 0.15 * x * x) * (1 + 0.12 * (r() - 0.5)),
  val_accuracy: (x, r) => 0.9 - 0.55 * Math.exp(-5 * x) + 0.04 * (r() - 0.5)
};

/** A v1 payload (src/payload.ts) of one finished run of `n` epochs. */
const COMPARE_REPS = 7;

function makePayload(n, scale = n) {
  const epochs = Array.from({ length: n }, (_, i) => i + 1);
  const metrics = {};
  const best = {};
  Object.entries(CURVES).forEach(([name, curve], k) => {
    const rng = mulberry32(k + 1);
    // x in [0, 1] over the planned length, so n and n + 1 share a shape.
    const values = epochs.map(e => float32(curve(e / scale, rng)));
    metrics[name] = values;
    // Like payload.py: a best entry for every metric, drawn for val_*.
    const mode = name.includes('loss') ? 'min' : 'max';
    const better = (a, b) => (mode === 'min' ? a < b : a > b);
    const at = values.reduce((b, v, i) => (better(v, values[b]) ? i : b), 0);
    best[name] = { epoch: at + 1, value: values[at], mode };
  });
  const time = epochs.map(e => Math.round(e * 812.5) / 1000);
  return {
    version: 1,
    runs: [
      {
        // Stable across sizes: the update test must update the same series.
        id: 'bench',
        name: 'bench',
        status: 'finished',
        params: { optimizer: 'adam', lr: 0.001, batch_size: 64 },
        epochs,
        metrics,
        time,
        nonfinite: {},
        best,
        events: [],
        batches: null,
        progress: { epoch: n, total: n, elapsed: time[n - 1] }
      }
    ]
  };
}

/**
 * The display payload of a run of 1,000,000 batch points and 1000 epochs, as
 * payload.py writes it at its default 1 MB cap (bench/long_history.py): epoch
 * series whole, the batch series reduced to 23,428 rows.
 */
function makeLongRun() {
  const payload = makePayload(1000);
  const rng = mulberry32(99);
  const rows = 23428;
  const x = Array.from({ length: rows }, (_, i) => (i * 1000) / (rows - 1));
  payload.runs[0].batches = {
    x,
    metrics: {
      loss: x.map(v => float32(1 / Math.sqrt(v + 1) + (rng() - 0.5) * 0.1))
    },
    count: 1000000
  };
  payload.runs[0].id = 'long';
  return payload;
}

/** A comparison payload: `count` runs of `n` epochs, each its own name. */
function makeComparison(count, n) {
  const runs = Array.from({ length: count }, (_, i) => {
    const run = makePayload(n + i).runs[0];
    // Different lengths, as real runs have; the same shape per run.
    return {
      ...run,
      id: `run-${i}`,
      name: `run-${i}`,
      params: { lr: 10 ** -(1 + (i % 4)) }
    };
  });
  return { version: 1, runs };
}

// ---- statistics -----------------------------------------------------------

/** Nearest-rank percentile: with 7-15 samples p90 is the slowest or next. */
function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const median = samples => percentile(samples, 50);

const ms = v => v.toFixed(1).padStart(7);

// ---- browser --------------------------------------------------------------

/** Payloads live in the page, so repetitions do not ship them again. */
const load = (page, key, payload) =>
  page.evaluate(([k, p]) => (window[k] = p), [key, payload]);

async function bundle() {
  const result = await build({
    entryPoints: [join(ROOT, 'bench/render-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    // As in the production labextension: ECharts drops its dev-only checks.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning'
  });
  return result.outputFiles[0].text;
}

async function main() {
  const flag = process.argv.indexOf('--profile');
  const profile = flag < 0 ? 0 : Number(process.argv[flag + 1]) || 100000;
  const script = await bundle();
  const browser = await chromium.launch({
    executablePath: CHROMIUM.executablePath,
    headless: true,
    args: [
      ...CHROMIUM.args,
      // gc() between repetitions: one render's garbage must not be
      // collected inside the next one's timing.
      '--js-flags=--expose-gc'
    ]
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

    const render = (key, options = {}) =>
      page.evaluate(
        async ([k, o]) => {
          window.gc();
          return window.renderOnce(window[k], o);
        },
        [key, options]
      );

    await load(page, 'p1000', makePayload(1000));
    // The first render also evaluates ECharts: report it, keep it out.
    const cold = await render('p1000');
    const animated = await render('p1000', { animation: true });

    const rows = [];
    for (const n of SIZES) {
      await load(page, `p${n}`, makePayload(n));
      const times = [];
      for (let i = 0; i < REPS[n]; i++) {
        times.push(await render(`p${n}`));
      }
      // Median of 5: a single run of these few-ms steps is too noisy.
      const runs = await page.evaluate(
        k => [1, 2, 3, 4, 5].map(() => window.phases(window[k])),
        `p${n}`
      );
      const phases = {
        validate: median(runs.map(run => run.validate)),
        options: median(runs.map(run => run.options))
      };
      rows.push({ n, times, phases });
    }

    await load(page, 'compare', makeComparison(20, 1000));
    const comparisons = [];
    for (let i = 0; i < COMPARE_REPS; i++) {
      comparisons.push(await render('compare'));
    }

    await load(page, 'long', makeLongRun());
    const longRenders = [];
    const zooms = [];
    for (let i = 0; i < COMPARE_REPS; i++) {
      longRenders.push(await render('long'));
      zooms.push(await page.evaluate(() => window.zoomOnce(window.long)));
    }

    await load(page, 'p1001', makePayload(1001, 1000));
    const updates = [];
    for (let i = 0; i < UPDATE_REPS; i++) {
      updates.push(
        await page.evaluate(() => {
          window.gc();
          return window.updateOnce(window.p1000, window.p1001);
        })
      );
    }

    const version = browser.version();
    console.log(
      `Renderer: 1 run x 4 metrics, renderModel() to painted, ` +
        `headless Chromium ${version}, animation off, ms\n`
    );
    console.log(
      'points/series   reps   median      p90      min   target   validate  options'
    );
    for (const { n, times, phases } of rows) {
      const middle = median(times);
      const target = TARGETS[n];
      const verdict = target
        ? `${middle <= target ? '<=' : '> '}${String(target).padStart(4)}`
        : '';
      console.log(
        `${String(n).padStart(13)}  ${String(times.length).padStart(5)}  ` +
          `${ms(middle)}  ${ms(percentile(times, 90))}  ${ms(Math.min(...times))}` +
          `   ${verdict.padEnd(6)}  ${ms(phases.validate)}  ${ms(phases.options)}`
      );
    }
    console.log(
      `\ncold first render (4 x 1000, evaluates ECharts): ${ms(cold).trim()}`
    );
    console.log(
      `first render with animation on (4 x 1000, waits for the entrance animation): ${ms(animated).trim()}`
    );
    console.log(
      `update 4 x 1000 -> 4 x 1001 in place, median of ${UPDATE_REPS}: ` +
        `${ms(median(updates)).trim()} (min ${ms(Math.min(...updates)).trim()})`
    );
    console.log(
      `comparison of 20 runs x ~1000 epochs x 4 metrics, first render, median of ${COMPARE_REPS}: ` +
        `${ms(median(comparisons)).trim()} (p90 ${ms(percentile(comparisons, 90)).trim()}; target <= 300)`
    );
    console.log(
      `run of 1,000,000 batch points (23,428 shown) + 1000 epochs x 4 metrics, median of ${COMPARE_REPS}: ` +
        `render ${ms(median(longRenders)).trim()} (target <= 500), zoom ${ms(median(zooms)).trim()} (target <= 100)`
    );
    console.log(
      '\nvalidate / options: validatePayload() and buildCharts() alone (median of 5); ' +
        'the rest is ECharts (sampling, layout, SVG) and the frame wait.'
    );

    if (profile) {
      await printProfile(page, profile);
    }
  } finally {
    await browser.close();
  }
}

/**
 * Where the time of a 4 x n render goes: a sampling CPU profile over a few
 * renders, as inclusive and self milliseconds per render by function name
 * (the bundle is not minified, so these are the source's names).
 */
async function printProfile(page, n, renders = 5) {
  await load(page, 'profiled', makePayload(n));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const times = await page.evaluate(async k => {
    const out = [];
    for (let i = 0; i < k; i++) {
      out.push(await window.renderOnce(window.profiled));
    }
    return out;
  }, renders);
  const { profile } = await cdp.send('Profiler.stop');

  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const parent = new Map();
  profile.nodes.forEach(node =>
    (node.children ?? []).forEach(child => parent.set(child, node.id))
  );
  const name = id => byId.get(id).callFrame.functionName || '(anonymous)';
  const inclusive = new Map();
  const self = new Map();
  const add = (map, key, t) => map.set(key, (map.get(key) ?? 0) + t);
  profile.samples.forEach((id, i) => {
    // timeDeltas[i + 1] is how long sample i lasted.
    const t = (profile.timeDeltas[i + 1] ?? 0) / 1000 / renders;
    add(self, name(id), t);
    // A recursive function counts once per sample.
    const stack = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      stack.add(name(at));
    }
    stack.forEach(fn => add(inclusive, fn, t));
  });
  const top = (map, count) =>
    [...map.entries()]
      .filter(([fn]) => fn !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([fn, t]) => `${ms(t)}  ${fn}`)
      .join('\n');
  console.log(
    `\nCPU profile, 4 x ${n}, ms per render ` +
      `(${renders} renders, median ${ms(median(times)).trim()}):`
  );
  console.log(`inclusive\n${top(inclusive, 40)}\nself\n${top(self, 15)}`);
}

await main();
