"""What a diagnosis costs: ``tc.diagnose`` on a long run, on a one-epoch
run of many logged steps (read step by step), and on every real log.

Run: ``.venv/bin/python bench/diagnosis_cost.py``. A running run is
diagnosed at most every 2 s (``run.DIAGNOSE_EVERY``) and once per change of
its epochs; target: a diagnosis well under the 2 s between two, so that it
costs the training loop under 1 %.
"""

import json
import math
import random
import statistics
import time
import warnings
from pathlib import Path

import traincurves as tc
from traincurves.readers import LoadError

LOGS = Path(__file__).resolve().parents[1] / "test" / "fixtures" / "real_logs"


def timed(run, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        tc.diagnose(run)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    rng = random.Random(0)
    history = {
        "loss": [1 / math.sqrt(e + 1) + rng.gauss(0, 0.01) for e in range(1000)],
        "val_loss": [1.1 / math.sqrt(e + 1) + rng.gauss(0, 0.02) for e in range(1000)],
        "accuracy": [1 - 0.5 / math.sqrt(e + 1) for e in range(1000)],
        "val_accuracy": [1 - 0.6 / math.sqrt(e + 1) for e in range(1000)],
    }
    long = tc.Run.from_history(history)
    print(f"1000 epochs of 4 metrics: {timed(long):.1f} ms")
    steps = tc.Run("one epoch")
    for step in range(100_000):
        loss = 2.0 * 0.99999**step + rng.uniform(-0.1, 0.1)
        steps.log_batch(step=step, epoch=0, loss=loss)
    print(f"one epoch of 100,000 logged steps: {timed(steps):.1f} ms")
    costs = []
    for entry in json.loads((LOGS / "manifest.json").read_text()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                runs = tc.load_all(LOGS / entry["file"])
            except LoadError:
                continue
        costs.extend(timed(run, repeat=1) for run in runs)
    costs.sort()
    print(
        f"{len(costs)} runs of the real logs: median {statistics.median(costs):.2f} "
        f"ms, 99th percentile {costs[int(0.99 * len(costs))]:.1f} ms, "
        f"slowest {costs[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
