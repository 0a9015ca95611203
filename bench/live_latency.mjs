/**
 * Live panel latency: from the Python side sending an update of a live panel
 * (`run.log()` under `run.start_live()`) to the chart being repainted, in a
 * real JupyterLab driven by headless Chromium; plus the IOPub message rate of
 * one live run under the default throttle.
 *
 *   node bench/live_latency.mjs [--updates 50] [--history 1000] [--gap 0.3]
 *                               [--rate-epochs 400] [--port 8899] [--json FILE]
 *                               [--profile]
 *
 * --profile adds a CPU profile of the page (the profiler slows it down: the
 * latencies printed with it are higher). --json writes every sample.
 *
 * Needs the package installed in .venv (make install) and /usr/bin/chromium;
 * never downloads anything. Starts its own JupyterLab on localhost and stops
 * it, its kernel and the browser when done, whatever happens.
 */

/* global window, document, fetch, requestAnimationFrame, MessageChannel,
   MutationObserver, TextDecoder, WebSocket */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab, fmt, parseOptions, percentile } from './lib.mjs';

const TARGETS = { median: 50, p95: 150, rate: 4 };

// ---- options ----------------------------------------------------------------

function options() {
  return parseOptions('live_latency.mjs', {
    updates: 50, // live updates measured per scenario
    history: 1000, // epochs already logged in the long-history scenario
    gap: 0.3, // seconds between two logs, so every update is drawn alone
    'rate-epochs': 400, // epochs logged 5 ms apart under the default throttle
    port: 8899,
    json: '', // also write the raw figures here
    profile: false // also a CPU profile of the page while the cell runs
  });
}

// ---- the notebook -----------------------------------------------------------

/**
 * One code cell. Each scenario clears the output first, so the panel being
 * measured is always the only one, at the top, inside the viewport. Send
 * times are the wall clock (ms) right before `run.log()`; the browser stamps
 * paints with the same machine clock.
 */
function cellSource(opts) {
  return `\
import json, math, os, time, traceback
from IPython.display import clear_output
import traincurves as tc
from traincurves.live import LiveDisplay

OUT = "results.json"
with open("kernel.pid", "w") as f:
    f.write(str(os.getpid()))


def values(i, n):
    x = (i + 1) / n
    wiggle = 0.03 * math.sin(i * 1.7)
    return {
        "loss": 0.08 + 2.2 * math.exp(-5 * x) + wiggle,
        "accuracy": 0.97 - 0.6 * math.exp(-6 * x) + wiggle / 3,
        "val_loss": 0.3 + 1.9 * math.exp(-5 * x) + 0.15 * x * x + wiggle,
        "val_accuracy": 0.9 - 0.55 * math.exp(-5 * x) + wiggle / 2,
    }


def latency(name, updates, history, gap):
    clear_output()
    total = history + updates
    run = tc.Run(name, total_epochs=total)
    for i in range(history):
        run.log(epoch=i, **values(i, total))
    run.start_live(every=0)
    live = next(f for f in run.followers if isinstance(f, LiveDisplay))
    time.sleep(1.5)  # the first render also loads ECharts: not measured
    sends, done = [], []
    for i in range(history, total):
        logged = values(i, total)
        sends.append(time.time() * 1000)
        run.log(epoch=i, **logged)
        done.append(time.time() * 1000)
        time.sleep(gap)
    run.finish()
    run.stop_live()
    return {"name": name, "history": history, "sends": sends, "done": done,
            "messages": live.sent}


def rate(name, epochs, gap):
    clear_output()
    run = tc.Run(name, total_epochs=epochs)
    run.start_live()  # the default throttle
    live = next(f for f in run.followers if isinstance(f, LiveDisplay))
    sends = [time.time() * 1000]  # the display_data that starts the panel
    seen = live.sent
    for i in range(epochs):
        run.log(epoch=i, **values(i, epochs))
        if live.sent != seen:  # this log() sent an update_display_data
            seen = live.sent
            sends.append(time.time() * 1000)
        time.sleep(gap)
    run.finish()
    run.stop_live()
    final = time.time() * 1000 if live.sent != seen else None
    return {"name": name, "epochs": epochs, "every": live.every,
            "sends": sends, "final": final, "messages": live.sent}


result = {"pid": os.getpid()}
try:
    result["warmup"] = latency("warmup", 10, 0, 0.1)
    result["short"] = latency("latency-short", ${opts.updates}, 0, ${opts.gap})
    result["long"] = latency("latency-long", ${opts.updates}, ${opts.history}, ${opts.gap})
    result["rate"] = rate("rate", ${opts['rate-epochs']}, 0.005)
except Exception:
    result["error"] = traceback.format_exc()
with open(OUT + ".part", "w") as f:
    json.dump(result, f)
os.replace(OUT + ".part", OUT)
print("done")
`;
}

// ---- in the page ------------------------------------------------------------

/**
 * Runs before JupyterLab loads. Stamps (1) every display message of a
 * traincurves panel as it arrives on the kernel WebSocket, before JupyterLab
 * handles it, and (2) every new "epoch N/..." header text: when the DOM
 * changed (the observer runs once the renderer's synchronous draw, ECharts
 * setOption included, has returned), at the next animation frame, and once
 * that frame has been rendered (a message posted from the rAF callback is
 * handled after the frame's style, layout and paint).
 */
function pageRecorder() {
  const now = () => window.performance.timeOrigin + window.performance.now();
  const state = { recv: {}, paints: {}, observing: false };
  window.__tcBench = state;

  const decoder = new TextDecoder();
  const Original = WebSocket;
  class Recording extends Original {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes('/channels')) {
        return;
      }
      // Registered before JupyterLab sets onmessage, so it runs first.
      this.addEventListener('message', event => {
        const t = now();
        const text =
          typeof event.data === 'string'
            ? event.data
            : decoder.decode(event.data);
        const type = /"msg_type":\s*"(update_display_data|display_data)"/.exec(
          text
        );
        if (!type || !text.includes('vnd.traincurves')) {
          return;
        }
        const name =
          /"runs":\s*\[\s*\{\s*"id":\s*"[^"]*",\s*"name":\s*"([^"]*)"/.exec(
            text
          );
        const status = /"status":\s*"([a-z_]+)"/.exec(text);
        const epoch = /"progress":\s*\{\s*"epoch":\s*(\d+)/.exec(text);
        const key = name ? name[1] : '?';
        (state.recv[key] ??= []).push({
          t,
          type: type[1],
          status: status ? status[1] : null,
          epoch: epoch ? Number(epoch[1]) : null,
          bytes: text.length
        });
      });
    }
  }
  window.WebSocket = Recording;

  // Phases inside the renderer, without touching it: its draw starts by
  // replacing the header's children, and ends with _resize() reading the
  // charts' clientWidth, which forces a synchronous layout of the page.
  const replaceChildren = window.Element.prototype.replaceChildren;
  window.Element.prototype.replaceChildren = function (...nodes) {
    const start = now();
    const result = replaceChildren.apply(this, nodes);
    if (state.observing && this.classList.contains('tc-header-host')) {
      const name = this.querySelector('.tc-name')?.textContent;
      const text = this.querySelector('.tc-progress')?.textContent ?? '';
      const match = /^epoch (\d+)\//.exec(text);
      state.current = null;
      if (name && match) {
        const paints = (state.paints[name] ??= {});
        if (!paints[match[1]]) {
          state.current = paints[match[1]] = { start, layout: 0 };
        }
      }
    }
    return result;
  };
  const clientWidth = Object.getOwnPropertyDescriptor(
    window.Element.prototype,
    'clientWidth'
  );
  Object.defineProperty(window.Element.prototype, 'clientWidth', {
    ...clientWidth,
    get() {
      const entry = state.current;
      if (!entry || !this.classList.contains('tc-chart')) {
        return clientWidth.get.call(this);
      }
      const before = now();
      const value = clientWidth.get.call(this);
      entry.resize ??= before;
      entry.layout += now() - before;
      return value;
    }
  });

  state.observe = () => {
    if (state.observing) {
      return;
    }
    state.observing = true;
    const last = new Map();
    new MutationObserver(() => {
      const dom = now();
      for (const panel of document.querySelectorAll('.tc-panel')) {
        const name = panel.querySelector('.tc-name')?.textContent;
        const text = panel.querySelector('.tc-progress')?.textContent;
        if (!name || text === undefined || last.get(name) === text) {
          continue;
        }
        last.set(name, text);
        const match = /^epoch (\d+)\//.exec(text);
        if (!match) {
          continue;
        }
        const paints = (state.paints[name] ??= {});
        const entry = (paints[match[1]] ??= {});
        if (entry.dom !== undefined) {
          continue;
        }
        entry.dom = dom;
        state.current = null;
        requestAnimationFrame(() => {
          entry.raf = now();
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            entry.paint = now();
            channel.port1.close();
          };
          channel.port2.postMessage(0);
        });
      }
    }).observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true
    });
  };
}

// ---- statistics -------------------------------------------------------------

/** Per update: send, log() returned, received, drawn, frame, painted. */
function latencies(scenario, page) {
  const recv = page.recv[scenario.name] ?? [];
  const paints = page.paints[scenario.name] ?? {};
  const rows = [];
  let missing = 0;
  scenario.sends.forEach((send, k) => {
    const shown = scenario.history + k + 1; // epochs are 1-based on screen
    const paint = paints[shown];
    const message = recv.find(
      m =>
        m.type === 'update_display_data' &&
        m.status === 'running' &&
        m.epoch === shown
    );
    if (!paint || paint.paint === undefined || !message) {
      missing++;
      return;
    }
    rows.push({
      total: paint.paint - send,
      log: scenario.done[k] - send,
      wire: message.t - send,
      render: paint.dom - message.t,
      // NaN if the renderer no longer draws the way the hooks expect.
      lab: (paint.start ?? NaN) - message.t,
      draw: (paint.resize ?? NaN) - (paint.start ?? NaN),
      layout: paint.layout ?? NaN,
      frame: paint.paint - paint.dom,
      bytes: message.bytes
    });
  });
  return { rows, missing };
}

/** Most messages in any half-open window [t, t + width). */
function maxInWindow(times, width = 1000) {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j] < sorted[i] + width) {
      j++;
    }
    best = Math.max(best, j - i);
  }
  return best;
}

function rateSummary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const span = (sorted[sorted.length - 1] - sorted[0]) / 1000;
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]);
  return {
    count: sorted.length,
    span,
    mean: span > 0 ? (sorted.length - 1) / span : NaN,
    max1s: maxInWindow(sorted),
    minGap: gaps.length ? Math.min(...gaps) : NaN
  };
}

// ---- the run ----------------------------------------------------------------

class Bench extends Lab {
  constructor(opts) {
    super('live_latency', opts.port);
    this.opts = opts;
  }

  async open() {
    await this.openNotebook([cellSource(this.opts)], pageRecorder);
    await this.page.evaluate(() => window.__tcBench.observe());
  }

  async runCell() {
    const page = this.page;
    let cdp = null;
    if (this.opts.profile) {
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const cell = await this.runFirstCell();
    const { updates, gap, history } = this.opts;
    // Warm-up, two scenarios, the rate run, imports and a cold history.
    const budget =
      60_000 + 2 * updates * (gap * 1000 + 200) + history * 20 + 20_000;
    const deadline = Date.now() + budget;
    const results = join(this.dir, 'results.json');
    let started = false;
    let lastReport = Date.now();
    while (!existsSync(results)) {
      if (Date.now() > deadline) {
        throw new Error(
          `the benchmark cell did not finish within ${budget / 1000} s; ` +
            `cell output:\n${await cell.locator('.jp-OutputArea').innerText()}`
        );
      }
      if (this.server.exited !== undefined) {
        throw new Error(`jupyter lab exited (${this.server.exited})`);
      }
      if (!started) {
        started = existsSync(join(this.dir, 'kernel.pid'));
        if (!started && Date.now() > deadline - budget + 30_000) {
          throw new Error(
            'the cell did not start running within 30 s (Shift+Enter lost?)'
          );
        }
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        const counts = await page.evaluate(() =>
          Object.entries(window.__tcBench.paints)
            .map(([name, p]) => `${name} ${Object.keys(p).length}`)
            .join(', ')
        );
        this.log(`painted so far: ${counts || 'nothing yet'}`);
      }
      await sleep(250);
    }
    // Let the last frames land before reading the page's records.
    await sleep(500);
    const profile = cdp ? (await cdp.send('Profiler.stop')).profile : null;
    const data = JSON.parse(readFileSync(results, 'utf-8'));
    if (data.error) {
      throw new Error(`the benchmark cell failed:\n${data.error}`);
    }
    const records = await page.evaluate(() => ({
      recv: window.__tcBench.recv,
      paints: window.__tcBench.paints,
      // timeOrigin + now() is monotonic; Date.now() follows the wall clock.
      skew:
        Date.now() - (window.performance.timeOrigin + window.performance.now())
    }));
    return { data, page: records, profile };
  }
}

/**
 * Where the page's main thread spent its time while the cell ran: self time
 * by script (the bundles are minified, so the file says more than function
 * names; each of the extension's chunks is labelled by what it contains) and
 * the busiest functions.
 */
async function printProfile(profile) {
  const labels = new Map();
  const label = async url => {
    if (!url) {
      return '(browser)';
    }
    if (!labels.has(url)) {
      const file = url.replace(/\?.*$/, '').replace(/^.*\//, '');
      let what = 'other';
      if (url.includes('/lab/extensions/jupyterlab-traincurves/')) {
        const text = await fetch(url).then(
          r => r.text(),
          () => ''
        );
        what = text.includes('tc-header-host')
          ? 'traincurves renderer'
          : /echarts|zr_/i.test(text)
            ? 'ECharts / zrender'
            : 'traincurves, other';
      } else if (url.includes('/static/lab/')) {
        what = 'JupyterLab';
      }
      labels.set(url, `${what} (${file})`);
    }
    return labels.get(url);
  };
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const self = new Map();
  const fns = new Map();
  const add = (map, key, t) => map.set(key, (map.get(key) ?? 0) + t);
  for (let i = 0; i < profile.samples.length; i++) {
    const t = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber, columnNumber } = byId.get(
      profile.samples[i]
    ).callFrame;
    const script = await label(url);
    const name = functionName || '(anonymous)';
    add(self, url ? script : name, t);
    add(fns, `${name}  ${script}:${lineNumber + 1}:${columnNumber + 1}`, t);
  }
  const top = (map, count) =>
    [...map.entries()]
      .filter(([key]) => !key.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, t]) => `${fmt(t, 9)}  ${key}`)
      .join('\n');
  console.log(
    '\nCPU profile of the page while the cell ran (all scenarios), self ms:'
  );
  console.log(top(self, 15));
  console.log('\nbusiest functions, self ms:');
  console.log(top(fns, 20));
}

// ---- report -----------------------------------------------------------------

function report(opts, { data, page }, versions) {
  const out = { versions, scenarios: {}, rate: {} };
  console.log(
    `Live panel latency: run.log() in the kernel -> panel repainted, ` +
      `JupyterLab ${versions.lab}, headless Chromium ${versions.chromium}, ` +
      `1 run x 4 metrics, every=0, one log every ${opts.gap} s, ms\n`
  );
  console.log(
    'scenario                     n   median      p95      min      max   target'
  );
  const parts = [];
  for (const key of ['short', 'long']) {
    const scenario = data[key];
    const { rows, missing } = latencies(scenario, page);
    const total = rows.map(r => r.total);
    if (!total.length) {
      throw new Error(
        `no update of ${scenario.name} was seen painted: is the ` +
          'traincurves labextension installed and enabled?'
      );
    }
    const median = percentile(total, 50);
    const p95 = percentile(total, 95);
    const ok = median <= TARGETS.median && p95 <= TARGETS.p95;
    const label = `epochs ${scenario.history + 1}-${scenario.history + scenario.sends.length}`;
    console.log(
      `${label.padEnd(25)} ${String(rows.length).padStart(4)}  ${fmt(median)}  ` +
        `${fmt(p95)}  ${fmt(Math.min(...total))}  ${fmt(Math.max(...total))}   ` +
        `${ok ? 'ok' : 'MISSED'} (<= ${TARGETS.median} / ${TARGETS.p95})` +
        (missing ? `  [${missing} updates not seen]` : '')
    );
    const med = field => {
      const known = rows.map(r => r[field]).filter(v => !Number.isNaN(v));
      return known.length ? percentile(known, 50) : NaN;
    };
    parts.push({ label, scenario, rows, med });
    out.scenarios[key] = {
      history: scenario.history,
      n: rows.length,
      missing,
      median,
      p95,
      min: Math.min(...total),
      max: Math.max(...total),
      rows
    };
  }
  console.log(
    '\nmedian ms per step   log()  kernel->page  lab->renderer  draw  layout  frame   KB'
  );
  for (const { label, med } of parts) {
    console.log(
      `${label.padEnd(17)} ${fmt(med('log'), 7)}  ${fmt(med('wire'), 12)}  ` +
        `${fmt(med('lab'), 13)}  ${fmt(med('draw'), 4)}  ${fmt(med('layout'), 6)}  ` +
        `${fmt(med('frame'), 5)}  ${fmt(med('bytes') / 1024, 5)}`
    );
  }
  console.log(
    '\nlog(): the call in the kernel (payload built, serialized, queued); ' +
      'kernel->page: until the WebSocket message reaches the page; ' +
      'lab->renderer: JupyterLab dispatching it, up to the renderer replacing the header; ' +
      'draw: header, options and ECharts setOption, up to _resize(); ' +
      'layout: the synchronous layout forced by _resize() reading clientWidth; ' +
      'frame: from the end of the draw to the next frame rendered.'
  );

  const rate = data.rate;
  const sent = [...rate.sends, ...(rate.final ? [rate.final] : [])];
  const received = (page.recv[rate.name] ?? []).map(m => m.t);
  const rows = [
    ['sent by the kernel, throttled', rateSummary(rate.sends)],
    ['sent, with the final flush', rateSummary(sent)],
    ['received by the page', rateSummary(received)]
  ];
  console.log(
    `\nIOPub display messages of one live run, default throttle ` +
      `(every=${rate.every} s), ${rate.epochs} epochs logged 5 ms apart:\n`
  );
  console.log(
    'messages                         count   span s   mean/s   max in 1 s   min gap ms'
  );
  for (const [label, s] of rows) {
    console.log(
      `${label.padEnd(31)} ${String(s.count).padStart(6)}  ${fmt(s.span, 7)}  ` +
        `${fmt(s.mean, 7)}  ${String(s.max1s).padStart(11)}  ${fmt(s.minGap, 11)}`
    );
    out.rate[label] = s;
  }
  const throttled = rows[0][1].max1s;
  console.log(
    `\nthrottle (<= ${TARGETS.rate} per 1 s window, kernel side): ` +
      `${throttled <= TARGETS.rate ? 'ok' : 'EXCEEDED'}; ` +
      `messages counted by the run: ${rate.messages}, by the page: ${received.length}`
  );
  if (Math.abs(page.skew) > 5) {
    console.log(
      `\nwarning: the page's monotonic clock is ${page.skew.toFixed(1)} ms off the ` +
        'wall clock (clock adjusted during the run?): latencies are off by that much'
    );
  }
  return out;
}

// ---- main -------------------------------------------------------------------

async function main() {
  const opts = options();
  const bench = new Bench(opts);
  await bench.run(async () => {
    bench.log('opening the notebook in Chromium');
    await bench.open();
    bench.log('running the benchmark cell');
    const measured = await bench.runCell();
    const out = report(opts, measured, await bench.versions());
    if (measured.profile) {
      await printProfile(measured.profile);
    }
    if (opts.json) {
      writeFileSync(opts.json, JSON.stringify(out, null, 1));
    }
  });
}

try {
  await main();
} catch (error) {
  console.error(`\nlive_latency failed: ${error.message ?? error}`);
  process.exit(1);
}
