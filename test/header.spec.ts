/**
 * @jest-environment jsdom
 */
import {
  latest,
  progressText,
  renderComparisonHeader,
  renderHeader
} from '../src/header';
import { validatePayload } from '../src/payload';
import { historyFixture, historyFixtures } from './fixtures';

function run(stem: string) {
  return validatePayload(historyFixture(stem).payload).runs[0];
}

/** The basic fixture at its epoch 12 of 30, as a live update says it. */
function running() {
  return {
    ...run('basic'),
    status: 'running' as const,
    progress: { epoch: 12, total: 30, elapsed: 75 },
    text: {
      status: 'running',
      done: '12 epochs · 1m 15s',
      progress: 'epoch 12/30 · 1m 15s elapsed · ETA 1m 53s · 6.25 s/epoch'
    }
  };
}

describe('renderHeader', () => {
  it.each(historyFixtures().map(f => [f.file, f] as const))(
    'says what the writer decided for %s, as the picture does',
    (_file, fixture) => {
      // python/tests/test_presentation.py checks the picture of the same.
      const header = renderHeader(validatePayload(fixture.payload).runs[0]);
      const text = fixture.payload.runs[0].text;
      expect(header.querySelector('.tc-status')?.textContent).toBe(text.status);
      expect(header.querySelector('.tc-progress')?.textContent).toBe(text.done);
    }
  );

  it('shows name, status, epochs and the latest value of every metric', () => {
    const header = renderHeader(run('basic'));
    expect(header.querySelector('.tc-name')?.textContent).toBe('baseline');
    expect(header.querySelector('.tc-status')?.textContent).toBe('finished');
    expect(header.querySelector('.tc-progress')?.textContent).toBe('12 epochs');
    const chips = [...header.querySelectorAll('.tc-metric')].map(
      chip => chip.textContent
    );
    expect(chips).toEqual([
      'loss0.1311',
      'val_loss0.4377best 0.3957 @ 8',
      'accuracy0.9661',
      'val_accuracy0.8833best 0.8917 @ 9'
    ]);
  });

  it('keeps hostile names as text', () => {
    const header = renderHeader(run('hostile_names'));
    expect(header.querySelector('img')).toBeNull();
    expect(header.querySelector('script')).toBeNull();
    expect(header.querySelector('.tc-name')?.textContent).toBe(
      '<b>run</b><script>window.__pwned=1</script>'
    );
  });

  it('says which metric went non-finite, and when', () => {
    const header = renderHeader(run('nonfinite'));
    expect(
      [...header.querySelectorAll('.tc-warning')].map(w => w.textContent)
    ).toEqual(['loss became inf at epoch 5', 'val_loss became nan at epoch 3']);
    expect(latest(run('nonfinite'), 'loss')).toEqual({ epoch: 7, value: null });
    const values = [...header.querySelectorAll('.tc-metric-value')];
    expect(values[0].textContent).toBe('nan');
    expect(values[0].classList.contains('tc-bad')).toBe(true);
  });

  it('shows progress of a running run', () => {
    const live = running();
    // The writer's text (python/tests/test_presentation.py checks the ETA).
    expect(progressText(live)).toBe(
      'epoch 12/30 · 1m 15s elapsed · ETA 1m 53s · 6.25 s/epoch'
    );
    expect(progressText({ ...live, status: 'finished' })).toBe(
      '12 epochs · 1m 15s'
    );
    const bar = renderHeader(live).querySelector('.tc-progressbar');
    expect(bar?.getAttribute('aria-valuenow')).toBe('12');
    expect(
      (bar?.querySelector('.tc-progressbar-fill') as HTMLElement).style.width
    ).toBe('40.0%');
  });

  it('says where early stopping fired and no bar once ended', () => {
    const stopped = run('early_stop_batches');
    expect(progressText(stopped)).toBe(
      '6 epochs · stopped early at epoch 6 (best 4)'
    );
    const header = renderHeader(stopped);
    expect(header.querySelector('.tc-status')?.textContent).toBe(
      'stopped early'
    );
    expect(header.querySelector('.tc-progressbar')).toBeNull();
  });

  it('says when batch curves are reduced for display', () => {
    const base = run('early_stop_batches');
    const reduced = {
      ...base,
      batches: { ...base.batches!, count: 1000000 }
    };
    expect(renderHeader(reduced).querySelector('.tc-note')?.textContent).toBe(
      'batch curves drawn from 24 of 1,000,000 points (lowest, highest and non-finite points kept); the run holds them all'
    );
    expect(renderHeader(base).querySelector('.tc-note')).toBeNull();
  });

  it('counts every epoch when a live update reduced the epoch curves', () => {
    const base = run('basic');
    const live = {
      ...validatePayload({
        ...historyFixture('basic').payload,
        runs: [
          { ...historyFixture('basic').payload.runs[0], epoch_count: 9000 }
        ]
      }).runs[0],
      status: 'running' as const
    };
    expect(live.epochCount).toBe(9000);
    expect(renderHeader(live).querySelector('.tc-note')?.textContent).toBe(
      `epoch curves drawn from ${base.epochs.length} of 9,000 epochs while training (lowest, highest and best kept); every epoch when it ends`
    );
    expect(base.epochCount).toBe(base.epochs.length);
  });

  it('shows why a run failed', () => {
    const failed = {
      ...run('basic'),
      status: 'failed' as const,
      events: [{ kind: 'failed', message: 'RuntimeError: disk full' }]
    };
    const header = renderHeader(failed);
    expect(header.querySelector('.tc-warning')?.textContent).toBe(
      'RuntimeError: disk full'
    );
  });
});

describe('a running run no kernel can update', () => {
  it.each([
    ['saved', 'running when last saved', /saved/],
    ['restarted', 'kernel restarted', /kernel restarted before the run ended/],
    ['stopped', 'kernel stopped', /kernel stopped before the run ended/]
  ] as const)('%s: says so, with no ETA or bar', (state, label, note) => {
    const header = renderHeader(running(), state);
    const status = header.querySelector('.tc-status');
    expect(status?.textContent).toBe(label);
    expect(status?.classList.contains('tc-status-stale')).toBe(true);
    expect(header.querySelector('.tc-stale')?.textContent).toMatch(note);
    expect(header.querySelector('.tc-progress')?.textContent).toBe(
      '12 epochs · 1m 15s'
    );
    expect(header.querySelector('.tc-progressbar')).toBeNull();
  });

  it('leaves an ended run as it is', () => {
    const header = renderHeader(run('basic'), 'restarted');
    expect(header.querySelector('.tc-status')?.textContent).toBe('finished');
    expect(header.querySelector('.tc-stale')).toBeNull();
  });

  it('counts such runs apart in a comparison', () => {
    const header = renderComparisonHeader(
      [running(), run('basic')],
      'restarted'
    );
    expect(header.querySelector('.tc-progress')?.textContent).toBe(
      '2 runs · 1 running when the kernel restarted'
    );
  });
});
