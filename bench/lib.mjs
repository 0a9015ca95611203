/**
 * What the in-browser benches share: a throwaway JupyterLab on localhost with
 * one notebook open in headless Chromium, stopped with its kernel and the
 * browser whatever happens; option parsing; nearest-rank percentiles.
 */

/* global document, fetch */

import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import CHROMIUM from '../ui-tests/chromium.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VENV_BIN = join(ROOT, '.venv', 'bin');

/**
 * `--name value` options over `defaults`: numbers are parsed, booleans are
 * flags without a value. Exits with a usage line on anything else.
 */
export function parseOptions(script, defaults) {
  const opts = { ...defaults };
  const args = process.argv.slice(2);
  const usage = () =>
    `usage: node bench/${script} ` +
    Object.entries(defaults)
      .map(([k, v]) =>
        typeof v === 'boolean'
          ? `[--${k}]`
          : `[--${k} ${typeof v === 'number' ? 'N' : 'FILE'}]`
      )
      .join(' ');
  for (let i = 0; i < args.length; i++) {
    const key = args[i].replace(/^--/, '');
    if (typeof defaults[key] === 'boolean') {
      opts[key] = true;
      continue;
    }
    if (!(key in defaults) || i + 1 >= args.length) {
      console.error(`${usage()}\nunknown or incomplete option: ${args[i]}`);
      process.exit(2);
    }
    const value = args[++i];
    opts[key] = typeof defaults[key] === 'number' ? Number(value) : value;
    if (Number.isNaN(opts[key])) {
      console.error(`--${key} needs a number, got ${value}`);
      process.exit(2);
    }
  }
  return opts;
}

/** A notebook of code cells, one per source. */
export function notebook(...sources) {
  return {
    cells: sources.map((source, i) => ({
      cell_type: 'code',
      execution_count: null,
      id: `bench${i}`,
      metadata: {},
      outputs: [],
      source
    })),
    metadata: {
      kernelspec: {
        display_name: 'Python 3 (ipykernel)',
        language: 'python',
        name: 'python3'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}

/** Nearest rank: p95 of 50 samples is the 48th smallest. */
export function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const fmt = (v, width = 7) =>
  (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1)).padStart(width);

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf-8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * JupyterLab (no token, temp root `dir`) and the browser. The benchmark cell
 * writes its kernel's pid to `kernel.pid` in `dir`, so the kernel, which runs
 * outside the server's process group, can be stopped too.
 */
export class Lab {
  constructor(name, port) {
    this.name = name;
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), `traincurves-${name}-`));
    this.base = `http://localhost:${port}`;
    this.server = null;
    this.browser = null;
    this.page = null;
    this.failed = true;
    this.interrupted = false;
  }

  log(message) {
    console.error(`[${this.name}] ${message}`);
  }

  /** Stops everything on Ctrl-C; `main` runs with the lab and is awaited. */
  async run(main) {
    const interrupt = async () => {
      this.interrupted = true;
      this.log('interrupted: stopping JupyterLab and the browser');
      await this.stop();
      process.exit(130);
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
    try {
      this.log(`starting JupyterLab on port ${this.port} in ${this.dir}`);
      await this.startServer();
      await main();
      this.failed = false;
    } catch (error) {
      if (this.interrupted) {
        await new Promise(() => {}); // the interrupt handler exits
      }
      throw error;
    } finally {
      await this.stop();
    }
  }

  async startServer() {
    const python = join(VENV_BIN, 'python');
    if (!existsSync(python)) {
      throw new Error(`no ${python}: run make install first`);
    }
    const free = await fetch(`${this.base}/lab`).then(
      () => false,
      () => true
    );
    if (!free) {
      throw new Error(
        `something already answers on port ${this.port}; stop it or pass --port`
      );
    }
    // No news toast over the page while it is measured.
    const settings = join(
      this.dir,
      'settings',
      '@jupyterlab',
      'apputils-extension'
    );
    mkdirSync(settings, { recursive: true });
    writeFileSync(
      join(settings, 'notification.jupyterlab-settings'),
      JSON.stringify({ fetchNews: 'false', checkForUpdates: false })
    );
    const logFile = join(this.dir, 'jupyter.log');
    const out = openSync(logFile, 'w');
    this.server = spawn(
      join(VENV_BIN, 'jupyter'),
      [
        'lab',
        '--no-browser',
        `--port=${this.port}`,
        '--ServerApp.port_retries=0',
        '--ServerApp.ip=127.0.0.1',
        '--IdentityProvider.token=',
        '--ServerApp.password=',
        '--ServerApp.disable_check_xsrf=True',
        '--ServerApp.allow_root=True',
        `--ServerApp.root_dir=${this.dir}`,
        `--LabApp.workspaces_dir=${join(this.dir, 'workspaces')}`,
        `--LabApp.user_settings_dir=${join(this.dir, 'settings')}`,
        '--LabApp.news_url=None',
        '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'
      ],
      {
        cwd: this.dir,
        detached: true, // its own process group, killed as one at the end
        stdio: ['ignore', out, out],
        env: {
          ...process.env,
          PATH: `${VENV_BIN}:${process.env.PATH}`,
          VIRTUAL_ENV: join(ROOT, '.venv'),
          JUPYTER_PLATFORM_DIRS: '1',
          PYTHONUNBUFFERED: '1'
        }
      }
    );
    this.server.on('exit', code => {
      this.server.exited = code ?? 'signal';
    });
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.server.exited !== undefined) {
        throw new Error(
          `jupyter lab exited (${this.server.exited}) while starting:\n` +
            tail(logFile)
        );
      }
      const ok = await fetch(`${this.base}/lab`).then(
        r => r.ok,
        () => false
      );
      if (ok) {
        return;
      }
      await sleep(300);
    }
    throw new Error(
      `jupyter lab did not answer on ${this.base}/lab within 90 s:\n` +
        tail(logFile)
    );
  }

  /**
   * Writes `bench.ipynb` with these cells and opens it in headless Chromium,
   * `initScript` running in the page before JupyterLab; resolves once the
   * kernel is idle.
   */
  async openNotebook(cells, initScript) {
    writeFileSync(
      join(this.dir, 'bench.ipynb'),
      JSON.stringify(notebook(...cells), null, 1)
    );
    this.browser = await chromium.launch({
      executablePath: CHROMIUM.executablePath,
      headless: true,
      // Signals are ours: the server and kernel must go down with it.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: CHROMIUM.args
    });
    // Tall enough for a whole panel (header and two 280 px charts).
    const page = await this.browser.newPage({
      viewport: { width: 1280, height: 1100 }
    });
    page.setDefaultTimeout(60_000);
    await page.addInitScript(initScript);
    this.page = page;
    await page.goto(`${this.base}/lab/tree/bench.ipynb`);
    await page
      .locator('.jp-Notebook .jp-Cell .jp-InputArea-editor')
      .first()
      .waitFor();
    await page.waitForFunction(
      () =>
        /\|\s*Idle/.test(
          document.querySelector('#jp-main-statusbar')?.textContent ?? ''
        ),
      null,
      { timeout: 90_000 }
    );
    return page;
  }

  /** Runs the first cell with Shift+Enter. */
  async runFirstCell() {
    const cell = this.page.locator('.jp-Notebook .jp-Cell').first();
    await cell.locator('.jp-InputArea-editor').click();
    await this.page.keyboard.press('Shift+Enter');
    return cell;
  }

  async versions() {
    const version = await fetch(`${this.base}/api`).then(r => r.json());
    const config = await this.page.evaluate(
      () =>
        document.querySelector('script#jupyter-config-data')?.textContent ??
        '{}'
    );
    return {
      lab: JSON.parse(config).appVersion ?? `server ${version.version}`,
      chromium: this.browser.version()
    };
  }

  /** What the page showed when something went wrong, kept in the tmp dir. */
  async diagnose() {
    if (!this.page) {
      return;
    }
    try {
      const status = await this.page
        .locator('#jp-main-statusbar')
        .innerText({ timeout: 2000 });
      this.log(`status bar: ${status.replace(/\s+/g, ' ')}`);
      await this.page.screenshot({
        path: join(this.dir, 'failure.png'),
        timeout: 5000
      });
      this.log(`screenshot: ${join(this.dir, 'failure.png')}`);
    } catch {
      // the page is gone
    }
  }

  /** Idempotent: an interrupt and the main flow may both ask. */
  stop() {
    this.stopping ??= this._stop();
    return this.stopping;
  }

  async _stop() {
    await this.beforeStop?.();
    if (this.failed && !this.interrupted) {
      await this.diagnose();
    }
    if (this.browser) {
      await this.browser.close().catch(() => {});
      this.browser = null;
    }
    const server = this.server;
    if (server && server.exited === undefined) {
      // Graceful first: the server shuts its kernels down too.
      await fetch(`${this.base}/api/shutdown`, { method: 'POST' }).catch(
        () => {}
      );
      for (let i = 0; i < 50 && server.exited === undefined; i++) {
        await sleep(100);
      }
      for (const signal of ['SIGTERM', 'SIGKILL']) {
        if (server.exited !== undefined) {
          break;
        }
        try {
          process.kill(-server.pid, signal);
        } catch {
          // already gone
        }
        for (let i = 0; i < 30 && server.exited === undefined; i++) {
          await sleep(100);
        }
      }
    }
    // Kernels run in their own session, outside the server's group.
    const pidFile = join(this.dir, 'kernel.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf-8'));
      for (let i = 0; i < 20 && alive(pid); i++) {
        await sleep(100);
      }
      if (alive(pid)) {
        process.kill(pid, 'SIGKILL');
      }
    }
    const started = this.server !== null;
    this.server = null;
    if (this.failed && started && !this.interrupted) {
      this.log(`kept ${this.dir} (server log: jupyter.log)`);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
