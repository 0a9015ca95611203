"""A run of 1,000,000 batch points and 1000 epochs: the bundle stays bounded.

Run: ``.venv/bin/python bench/long_history.py``. Targets: bundle <= 1 MB,
build <= 300 ms (batch series are reduced for display; the Run keeps all).
"""

import json
import statistics
import time

import numpy as np

import traincurves as tc
from traincurves.payload import MIME_TYPE, bundle


def main() -> None:
    rng = np.random.default_rng(0)
    run = tc.Run("long")
    run.steps_per_epoch = 1000
    start = time.perf_counter()
    for epoch in range(1000):
        losses = (1 / np.sqrt(epoch + 1) + rng.normal(0, 0.05, 1000)).tolist()
        for step, loss in enumerate(losses):
            run.log_batch(step=step, epoch=epoch, loss=loss)
        run.log(
            epoch=epoch,
            loss=losses[-1],
            val_loss=losses[0] + 0.1,
            accuracy=0.9,
            val_accuracy=0.85,
        )
    logging = time.perf_counter() - start
    start = time.perf_counter()
    data = bundle([run])
    cold = time.perf_counter() - start
    # A live update after one more epoch: only the new buckets are summarised.
    updates = []
    for epoch in range(1000, 1005):
        for step in range(1000):
            run.log_batch(step=step, epoch=epoch, loss=float(rng.normal(0.03, 0.05)))
        run.log(epoch=epoch, loss=0.03, val_loss=0.1, accuracy=0.9, val_accuracy=0.85)
        start = time.perf_counter()
        data = bundle([run])
        updates.append(time.perf_counter() - start)
    size = len(json.dumps(data[MIME_TYPE], separators=(",", ":")))
    shown = len(data[MIME_TYPE]["runs"][0]["batches"]["x"])
    print("1,000,000 batch points + 1000 epochs x 4 metrics")
    print(f"  logging: {logging:.2f} s ({logging * 1e6 / 1_000_000:.2f} us per batch)")
    print(
        f"  bundle: {size:,} bytes (target <= 1,000,000), batch points shown: {shown:,}"
    )
    print(f"  first build: {cold * 1e3:.0f} ms (target <= 300)")
    print(
        f"  live update after another epoch: median "
        f"{statistics.median(updates) * 1e3:.0f} ms of {len(updates)}"
    )


if __name__ == "__main__":
    main()
