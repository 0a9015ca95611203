"""Size of the MIME bundle as the notebook stores it, and the time to build it.

Run: ``.venv/bin/python bench/bundle_size.py``. Target: <= 16 KB for 100
epochs x 4 metrics (float32 values, as Keras reports them).
"""

import json
import statistics
import time

import numpy as np

import traincurves as tc
from traincurves.payload import MIME_TYPE, bundle


def history(epochs: int, seed: int = 0) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    t = np.arange(1, epochs + 1)
    noise = rng.normal(0, 0.01, (4, epochs))
    curves = {
        "loss": 1 / np.sqrt(t) + noise[0],
        "val_loss": 1.1 / np.sqrt(t) + noise[1],
        "accuracy": 1 - 0.5 / np.sqrt(t) + noise[2],
        "val_accuracy": 0.95 - 0.5 / np.sqrt(t) + noise[3],
    }
    # Keras reports float32 values widened to Python floats.
    return {k: [float(x) for x in v.astype(np.float32)] for k, v in curves.items()}


def main() -> None:
    print(
        f"{'epochs x 4 metrics':>20} {'payload bytes':>14} {'with text/plain':>16} "
        f"{'build ms':>9}"
    )
    for epochs in (100, 1000):
        run = tc.Run.from_history(history(epochs), name="bench")
        times = []
        for _ in range(20):
            start = time.perf_counter()
            data = bundle([run])
            times.append(time.perf_counter() - start)
        payload = len(json.dumps(data[MIME_TYPE], separators=(",", ":")))
        whole = payload + len(json.dumps(data["text/plain"]))
        print(
            f"{epochs:>20} {payload:>14} {whole:>16} "
            f"{statistics.median(times) * 1e3:>9.2f}"
        )
    print("target: <= 16384 bytes for 100 epochs x 4 metrics")


if __name__ == "__main__":
    main()
