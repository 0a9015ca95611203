/**
 * A hyperparameter sweep as the Python side writes it (focus, ranks,
 * highlight, finding groups): `count` runs × `epochs` epochs × 4 metrics,
 * params lr / weight_decay / width. Deterministic, so tests and benches draw
 * the same curves every time. The bench and the UI tests use it too.
 */

/** Deterministic noise (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (v: number) => Number(v.toPrecision(5));

export interface SweepOptions {
  count: number;
  epochs?: number;
  highlight?: number | null;
  /** Leave out focus, rank, highlight and finding groups (older payloads). */
  plain?: boolean;
}

export function sweepPayload(options: SweepOptions): Record<string, any> {
  const { count, epochs = 100, highlight = 5, plain = false } = options;
  const rng = random(17);
  const axis = Array.from({ length: epochs }, (_, i) => i + 1);
  const runs = Array.from({ length: count }, (_, i) => {
    const lr = round(10 ** (-4 + 3 * rng()));
    const weightDecay = [0, 1e-5, 1e-4, 1e-3][Math.floor(rng() * 4)];
    const width = [64, 128, 256, 512][Math.floor(rng() * 4)];
    // Best near lr 3e-3; wide nets fit more and overfit unless decayed.
    const miss = Math.abs(Math.log10(lr) + 2.5);
    const floor = 0.25 + 0.3 * miss * miss - 0.03 * Math.log2(width / 64);
    const overfit = (0.6 * (width / 512)) / (1 + weightDecay * 3000);
    const speed = 3 + 4 * rng();
    const noise = random(i + 1);
    const loss: number[] = [];
    const valLoss: number[] = [];
    const acc: number[] = [];
    const valAcc: number[] = [];
    for (const e of axis) {
      const x = e / epochs;
      const fit = Math.exp(-speed * x);
      loss.push(round((floor * 0.8 + 2 * fit) * (1 - 0.5 * overfit * x)));
      const v = floor + 2 * fit + overfit * x * x + 0.03 * (noise() - 0.5);
      valLoss.push(round(v));
      acc.push(round(Math.min(0.999, 1 - 0.5 * floor - 0.5 * fit)));
      valAcc.push(round(Math.min(0.99, 1 - 0.6 * v)));
    }
    const metrics: Record<string, number[]> = {
      loss,
      val_loss: valLoss,
      accuracy: acc,
      val_accuracy: valAcc
    };
    const best: Record<string, { epoch: number; value: number; mode: string }> =
      {};
    for (const [name, values] of Object.entries(metrics)) {
      const mode = name.includes('loss') ? 'min' : 'max';
      let at = 0;
      values.forEach((v, k) => {
        if (mode === 'min' ? v < values[at] : v > values[at]) {
          at = k;
        }
      });
      best[name] = { epoch: at + 1, value: values[at], mode };
    }
    const bestLoss = best.val_loss as { epoch: number; value: number };
    const findings =
      bestLoss.epoch < epochs * 0.8 &&
      valLoss[epochs - 1] > bestLoss.value * 1.1
        ? [
            {
              kind: 'overfitting',
              label: 'likely overfitting',
              severity: 'warning',
              metric: 'val_loss',
              start: bestLoss.epoch + 1,
              end: epochs,
              message: `val_loss rose after epoch ${bestLoss.epoch}`,
              advice: 'regularisation, augmentation, early stopping'
            }
          ]
        : [];
    return {
      id: `trial-${i}`,
      name: `trial-${i}`,
      status: 'finished',
      params: { lr, weight_decay: weightDecay, width },
      epochs: axis,
      metrics,
      best,
      findings,
      progress: { epoch: epochs, total: epochs, elapsed: null }
    };
  });
  const payload: Record<string, any> = {
    version: 1,
    runs,
    charts: [
      {
        family: 'loss',
        title: 'loss',
        metrics: [
          { name: 'loss', split: 'train' },
          { name: 'val_loss', split: 'validation' }
        ]
      },
      {
        family: 'accuracy',
        title: 'accuracy',
        metrics: [
          { name: 'accuracy', split: 'train' },
          { name: 'val_accuracy', split: 'validation' }
        ]
      }
    ]
  };
  if (plain) {
    return payload;
  }
  const order = [...runs].sort(
    (a, b) => a.best.val_loss.value - b.best.val_loss.value
  );
  order.forEach((run: any, k) => (run.rank = k + 1));
  const overfitting = runs.filter(run => run.findings.length > 0);
  payload.focus = { metric: 'val_loss', mode: 'min' };
  payload.highlight = highlight;
  payload.finding_groups = overfitting.length
    ? [
        {
          kind: 'overfitting',
          label: 'likely overfitting',
          severity: 'warning',
          runs: overfitting.map(run => run.id),
          count: overfitting.length,
          of: runs.length
        }
      ]
    : [];
  return payload;
}
