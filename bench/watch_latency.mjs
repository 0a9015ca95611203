/**
 * `tc.watch` end to end: a writer process appends to 10 JSON Lines files at
 * 100 records/s each while a notebook cell in a real JupyterLab, driven by
 * headless Chromium, watches them. Measures the delay from an epoch record
 * being written to that epoch being painted in the panel, and the kernel's
 * CPU share while the files grow. Targets: p95 <= 1 s, CPU <= 5 %.
 *
 *   node bench/watch_latency.mjs [--files 10] [--rate 100] [--seconds 60]
 *                                [--epoch-every 10] [--warmup 5]
 *                                [--port 8897] [--json FILE]
 *
 * A record is one batch or one epoch; every `epoch-every`-th record of a file
 * is an epoch, the others are batches of it (run.log / run.log_batch through
 * run.log_to). The writer stamps time.time() after each epoch record is
 * written; the page stamps the wall clock when the comparison table first
 * shows that many epochs for the run, after the next rendered frame. Epochs
 * written in the first `warmup` seconds (the first panel loads ECharts) are
 * left out of the figures. Kernel CPU: utime + stime of the kernel process
 * (and of the watcher thread alone) from /proc, over the writing.
 *
 * Needs the package installed in .venv (make install; the kernel and the
 * writer import whatever traincurves .venv/bin/python finds) and Chromium;
 * never downloads anything. Starts its own JupyterLab on localhost and stops
 * it, its kernel, the writer and the browser when done, whatever happens.
 */

/* global window, document, requestAnimationFrame, MessageChannel,
   MutationObserver, TextDecoder, WebSocket, setInterval, clearInterval */

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab, VENV_BIN, alive, fmt, parseOptions, percentile } from './lib.mjs';

const TARGETS = { p95: 1000, cpu: 5 };
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;

function options() {
  return parseOptions('watch_latency.mjs', {
    files: 10,
    rate: 100, // records per second per file
    seconds: 60, // how long the writer writes
    'epoch-every': 10, // every N-th record is an epoch, the others batches
    warmup: 5, // seconds of epochs left out of the figures
    port: 8897,
    json: '' // also write the raw figures here
  });
}

// ---- the notebook and the writer --------------------------------------------

/**
 * The cell: `tc.watch` as a user would call it, returning at once. The
 * watcher's poll, bundle build and display update are timed by wrapping them
 * (the package is not changed); a thread writes those times once the watcher
 * has ended.
 */
function cellSource(folder, timeout) {
  return `\
import json, os, threading, time
import traincurves as tc
from traincurves.live import LiveDisplay
from traincurves.watch import Watcher

with open("kernel.pid", "w") as f:
    f.write(str(os.getpid()))

TRACE = {"polls": [], "builds": [], "sends": []}
_poll, _bundle, _flush = Watcher.poll, Watcher._bundle, LiveDisplay._flush

def _timed_poll(self, *args, **kwargs):
    t0 = time.time()
    changed = _poll(self, *args, **kwargs)
    TRACE["polls"].append((t0, time.time(), changed))
    return changed

def _timed_bundle(self, *args, **kwargs):
    t0 = time.time()
    result = _bundle(self, *args, **kwargs)
    TRACE["builds"].append((t0, time.time()))
    return result

def _timed_flush(self, *args, **kwargs):
    t0, sent = time.time(), self.sent
    _flush(self, *args, **kwargs)
    if self.sent != sent:
        TRACE["sends"].append((t0, time.time()))

Watcher.poll, Watcher._bundle = _timed_poll, _timed_bundle
LiveDisplay._flush = _timed_flush

watcher = tc.watch(${JSON.stringify(join(folder, '*.jsonl'))}, timeout=${timeout})

def _report():
    watcher._thread.join()
    with open("trace.json.part", "w") as f:
        json.dump({**TRACE, "every": watcher.every}, f)
    os.replace("trace.json.part", "trace.json")

threading.Thread(target=_report, daemon=True).start()
with open("watcher.tid", "w") as f:
    f.write(str(watcher._thread.native_id))
`;
}

/** The training job elsewhere: one Run per file, each logged to its file. */
const WRITER = `\
import json, math, sys, time
import traincurves as tc

folder, out = sys.argv[1], sys.argv[2]
files, rate, seconds, every = (int(a) for a in sys.argv[3:7])
total = rate * seconds // every
runs = []
for i in range(files):
    run = tc.Run(f"run{i}", params={"lr": 10.0 ** -(2 + i % 3)}, total_epochs=total)
    run.steps_per_epoch = every - 1
    run.log_to(f"{folder}/run{i}.jsonl")
    runs.append(run)
marks = {run.name: [] for run in runs}
lag = []
start = time.time()
for n in range(rate * seconds):
    epoch, k = divmod(n, every)
    x = (n + 1) / (rate * seconds)
    for i, run in enumerate(runs):
        loss = 0.1 + 2 * math.exp(-4 * x) + 0.02 * math.sin(n * 0.7 + i)
        if k == every - 1:
            run.log(epoch=epoch, loss=loss, accuracy=1 - loss / 3,
                    val_loss=loss * 1.1, val_accuracy=0.95 - loss / 3)
            marks[run.name].append((epoch, time.time()))
        else:
            run.log_batch(step=k, epoch=epoch, loss=loss, accuracy=1 - loss / 3)
    due = start + (n + 1) / rate
    lag.append(time.time() - due)  # > 0: the writer fell behind
    time.sleep(max(0.0, due - time.time()))
for run in runs:
    run.finish()
with open(out, "w") as f:
    json.dump({"start": start, "end": time.time(), "marks": marks,
               "lag": max(lag)}, f)
`;

// ---- in the page ------------------------------------------------------------

/**
 * Runs before JupyterLab loads. Stamps (1) every traincurves display message
 * as it arrives on the kernel WebSocket, with the epoch count of each run in
 * it, and (2) every increase of a run's epoch count in the comparison table:
 * when the DOM changed (after the renderer's synchronous draw, ECharts
 * included) and once the next frame has been rendered.
 */
function pageRecorder() {
  const now = () => window.performance.timeOrigin + window.performance.now();
  const state = { recv: [], seen: {}, observing: false };
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
        if (
          !/"msg_type":\s*"(update_display_data|display_data)"/.test(text) ||
          !text.includes('vnd.traincurves')
        ) {
          return;
        }
        const names = [
          ...text.matchAll(/"id":\s*"[^"]*",\s*"name":\s*"([^"]*)"/g)
        ].map(m => m[1]);
        const epochs = [
          ...text.matchAll(/"progress":\s*\{\s*"epoch":\s*(\d+)/g)
        ].map(m => Number(m[1]));
        const counts = {};
        names.forEach((name, i) => (counts[name] = epochs[i]));
        state.recv.push({ t, bytes: text.length, counts });
      });
    }
  }
  window.WebSocket = Recording;

  state.observe = () => {
    if (state.observing) {
      return;
    }
    state.observing = true;
    new MutationObserver(() => {
      const dom = now();
      const table = document.querySelector('.tc-panel .tc-table');
      if (!table) {
        return;
      }
      const titles = [...table.tHead.rows[0].cells].map(th =>
        th.textContent.trim()
      );
      const column = titles.findIndex(title => /^epochs\b/.test(title));
      if (column < 0) {
        return;
      }
      const fresh = [];
      for (const row of table.tBodies[0].rows) {
        const name = row.cells[0].textContent.trim();
        const count = Number(row.cells[column].textContent);
        const seen = (state.seen[name] ??= []);
        if (seen.length === 0 || count > seen[seen.length - 1].count) {
          const entry = { count, dom };
          seen.push(entry);
          fresh.push(entry);
        }
      }
      if (fresh.length) {
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            const paint = now();
            fresh.forEach(entry => (entry.paint = paint));
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

// ---- CPU --------------------------------------------------------------------

/** utime + stime in seconds of a process or (with `tid`) one of its threads. */
function cpuSeconds(pid, tid = null) {
  const file = tid ? `/proc/${pid}/task/${tid}/stat` : `/proc/${pid}/stat`;
  try {
    const text = readFileSync(file, 'utf-8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return NaN; // the thread has ended
  }
}

// ---- the run ----------------------------------------------------------------

class Bench extends Lab {
  constructor(opts) {
    super('watch_latency', opts.port);
    this.opts = opts;
    this.folder = join(this.dir, 'runs');
    this.writer = null;
    this.beforeStop = () => {
      if (this.writer && this.writer.exitCode === null) {
        this.writer.kill('SIGKILL');
      }
    };
  }

  async waitFor(file, what, ms) {
    const deadline = Date.now() + ms;
    while (!existsSync(join(this.dir, file))) {
      if (Date.now() > deadline) {
        throw new Error(`${what} did not happen within ${ms / 1000} s`);
      }
      if (this.server.exited !== undefined) {
        throw new Error(`jupyter lab exited (${this.server.exited})`);
      }
      const error = this.page.locator(
        '[data-mime-type="application/vnd.jupyter.stderr"]',
        { hasText: 'Traceback' }
      );
      if (await error.count()) {
        throw new Error(`the cell failed:\n${await error.first().innerText()}`);
      }
      await sleep(100);
    }
    return readFileSync(join(this.dir, file), 'utf-8');
  }

  async measure() {
    const { files, rate, seconds } = this.opts;
    const every = this.opts['epoch-every'];
    mkdirSync(this.folder);
    await this.openNotebook(
      [cellSource(this.folder, seconds + 120)],
      pageRecorder
    );
    await this.page.evaluate(() => window.__tcBench.observe());
    this.log('running the watch cell');
    await this.runFirstCell();
    const pid = Number(await this.waitFor('kernel.pid', 'the cell', 30_000));
    const tid = Number(await this.waitFor('watcher.tid', 'tc.watch', 30_000));
    await sleep(1000); // the cell has returned, the kernel is idle

    this.log(
      `writing ${files} files x ${rate} records/s for ${seconds} s ` +
        `(an epoch every ${every} records)`
    );
    writeFileSync(join(this.dir, 'writer.py'), WRITER);
    const marksFile = join(this.dir, 'marks.json');
    const samples = [];
    const sample = () =>
      samples.push({
        t: performance.now(),
        kernel: cpuSeconds(pid),
        thread: cpuSeconds(pid, tid)
      });
    sample();
    this.writer = spawn(
      join(VENV_BIN, 'python'),
      [
        join(this.dir, 'writer.py'),
        this.folder,
        marksFile,
        ...[files, rate, seconds, every].map(String)
      ],
      { cwd: this.dir, stdio: ['ignore', 'inherit', 'inherit'] }
    );
    const exited = new Promise(resolve => this.writer.on('exit', resolve));
    const sampler = setInterval(sample, 1000);
    let code;
    try {
      code = await Promise.race([
        exited,
        sleep((seconds + 60) * 1000).then(() => 'timeout')
      ]);
    } finally {
      clearInterval(sampler);
    }
    sample();
    if (code !== 0) {
      throw new Error(`the writer failed (${code})`);
    }
    const writing = samples.slice();
    this.log('waiting for the watcher to end');
    const trace = JSON.parse(
      await this.waitFor('trace.json', 'the end of the watch', 30_000)
    );
    await sleep(1000); // the last frames
    if (!alive(pid)) {
      throw new Error('the kernel died');
    }
    const marks = JSON.parse(readFileSync(marksFile, 'utf-8'));
    const page = await this.page.evaluate(() => ({
      recv: window.__tcBench.recv,
      seen: window.__tcBench.seen,
      skew:
        Date.now() - (window.performance.timeOrigin + window.performance.now())
    }));
    return { marks, page, trace, writing };
  }
}

// ---- report -----------------------------------------------------------------

/** First time at which `list` (ascending by count) shows at least `count`. */
function firstAt(list, count, key) {
  const hit = list.find(entry => entry.count >= count && entry[key] > 0);
  return hit ? hit[key] : undefined;
}

function stats(values) {
  return {
    n: values.length,
    median: percentile(values, 50),
    p95: percentile(values, 95),
    max: Math.max(...values)
  };
}

function report(opts, { marks, page, trace, writing }, versions) {
  const { files, rate, seconds, warmup } = opts;
  const from = marks.start + warmup;
  const painted = [];
  const received = [];
  const browser = []; // page received -> painted, same epochs
  const byThird = [[], [], []];
  let missing = 0;
  let early = 0;
  for (const [name, list] of Object.entries(marks.marks)) {
    const seen = page.seen[name] ?? [];
    const recv = page.recv
      .map(m => ({ count: m.counts[name], t: m.t }))
      .filter(m => m.count !== undefined);
    for (const [epoch, written] of list) {
      if (written < from) {
        early++;
        continue;
      }
      const paint = firstAt(seen, epoch + 1, 'paint');
      const arrival = firstAt(recv, epoch + 1, 't');
      if (paint === undefined) {
        missing++;
        continue;
      }
      painted.push(paint - written * 1000);
      const third = Math.floor((3 * (written - from)) / (marks.end - from));
      byThird[Math.min(2, third)].push(paint - written * 1000);
      if (arrival !== undefined) {
        received.push(arrival - written * 1000);
        browser.push(paint - arrival);
      }
    }
  }
  if (!painted.length) {
    throw new Error(
      'no epoch was seen painted: is the traincurves labextension installed?'
    );
  }
  const total = stats(painted);
  const wire = stats(received);
  const page2 = stats(browser);
  const first = writing[0];
  const last = writing[writing.length - 1];
  const span = (last.t - first.t) / 1000;
  const cpu = (last.kernel - first.kernel) / span;
  const thread = (last.thread - first.thread) / span;
  // CPU share by thirds of the writing: does it grow with the history?
  const thirds = [0, 1, 2].map(k => {
    const a = writing[Math.round((k * (writing.length - 1)) / 3)];
    const b = writing[Math.round(((k + 1) * (writing.length - 1)) / 3)];
    return (100 * (b.kernel - a.kernel)) / ((b.t - a.t) / 1000);
  });
  const during = ([t0]) => t0 >= marks.start && t0 <= marks.end;
  const dur = rows => rows.filter(during).map(([a, b]) => (b - a) * 1000);
  const polls = trace.polls.filter(during);
  const gaps = polls.slice(1).map((p, i) => (p[0] - polls[i][0]) * 1000);
  const builds = dur(trace.builds);
  const sends = dur(trace.sends);
  const bytes = page.recv.map(m => m.bytes);

  console.log(
    `tc.watch end to end: ${files} files x ${rate} records/s for ${seconds} s ` +
      `(an epoch every ${opts['epoch-every']} records), JupyterLab ` +
      `${versions.lab}, headless Chromium ${versions.chromium}\n`
  );
  console.log(
    'delay from write, ms                 n   median      p95      max   target'
  );
  console.log(
    `epoch written -> panel painted  ${String(total.n).padStart(6)}  ` +
      `${fmt(total.median)}  ${fmt(total.p95)}  ${fmt(total.max)}   ` +
      `${total.p95 <= TARGETS.p95 ? 'ok' : 'MISSED'} (p95 <= ${TARGETS.p95})`
  );
  console.log(
    `epoch written -> page received  ${String(wire.n).padStart(6)}  ` +
      `${fmt(wire.median)}  ${fmt(wire.p95)}  ${fmt(wire.max)}`
  );
  console.log(
    `page received -> panel painted  ${String(page2.n).padStart(6)}  ` +
      `${fmt(page2.median)}  ${fmt(page2.p95)}  ${fmt(page2.max)}`
  );
  console.log(
    `(${early} epochs of the first ${warmup} s left out; ${missing} not seen ` +
      `painted; p95 by thirds of the run ` +
      `${byThird.map(v => (v.length ? percentile(v, 95).toFixed(0) : '-')).join(' / ')} ms)`
  );
  console.log(
    `\nkernel CPU while writing: ${(cpu * 100).toFixed(1)} % of one core ` +
      `(watcher thread ${(thread * 100).toFixed(1)} %; by thirds of the run ` +
      `${thirds.map(v => v.toFixed(1)).join(' / ')} %)   ` +
      `${cpu * 100 <= TARGETS.cpu ? 'ok' : 'MISSED'} (<= ${TARGETS.cpu} %)`
  );
  console.log(
    `\nin the kernel, ms          n   median      p95      max\n` +
      [
        ['poll to poll', gaps],
        ['bundle build', builds],
        ['update sent', sends]
      ]
        .map(
          ([label, v]) =>
            `${label.padEnd(18)} ${String(v.length).padStart(6)}  ` +
            `${fmt(percentile(v, 50))}  ${fmt(percentile(v, 95))}  ${fmt(Math.max(...v))}`
        )
        .join('\n')
  );
  console.log(
    `\npayload: median ${(percentile(bytes, 50) / 1024).toFixed(0)} KB, ` +
      `last ${(bytes[bytes.length - 1] / 1024).toFixed(0)} KB per update; ` +
      `${page.recv.length} updates received; writer lag at most ` +
      `${Math.max(0, marks.lag * 1000).toFixed(1)} ms behind schedule`
  );
  if (Math.abs(page.skew) > 5) {
    console.log(
      `\nwarning: the page's monotonic clock is ${page.skew.toFixed(1)} ms ` +
        'off the wall clock: delays are off by that much'
    );
  }
  return {
    versions,
    opts,
    painted: total,
    received: wire,
    browser: page2,
    cpu,
    thread,
    thirds,
    polls: gaps,
    builds,
    sends,
    bytes,
    delays: painted
  };
}

// ---- main -------------------------------------------------------------------

async function main() {
  const opts = options();
  const bench = new Bench(opts);
  await bench.run(async () => {
    const measured = await bench.measure();
    const out = report(opts, measured, await bench.versions());
    if (opts.json) {
      writeFileSync(opts.json, JSON.stringify(out, null, 1));
    }
  });
}

try {
  await main();
} catch (error) {
  console.error(`\nwatch_latency failed: ${error.message ?? error}`);
  process.exit(1);
}
