"""Size and build time of the static SVG picture a finished bundle carries.

Run: ``.venv/bin/python bench/static_size.py``. Target: <= 40 KB for 1000
epochs x 4 metrics. "svg ms" draws the picture from a built payload (what
``bundle`` adds); "bundle ms" is the whole bundle without and with it.
"""

import statistics
import time

import numpy as np

import traincurves as tc
from traincurves.payload import bundle, payload
from traincurves.static import render


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


def median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def measure(label: str, runs: list[tc.Run], repeats: int) -> None:
    data = payload(runs)
    picture = render(data)
    svg_ms = median_ms(lambda: render(data), repeats)
    without = median_ms(lambda: bundle(runs, static=False), repeats)
    with_svg = median_ms(lambda: bundle(runs, static=True), repeats)
    print(
        f"{label:>28} {len(picture.encode()):>10} {svg_ms:>8.1f} "
        f"{without:>10.1f} {with_svg:>10.1f}"
    )


def main() -> None:
    print(
        f"{'panel':>28} {'svg bytes':>10} {'svg ms':>8} "
        f"{'bundle ms':>10} {'+ svg ms':>10}"
    )
    for epochs, repeats in ((100, 30), (1000, 20), (100_000, 5)):
        run = tc.Run.from_history(history(epochs), name="bench")
        measure(f"1 run, 4 x {epochs} epochs", [run], repeats)
    runs = [
        tc.Run.from_history(history(1000, seed), name=f"run-{seed}")
        for seed in range(5)
    ]
    measure("5 runs, 4 x 1000 epochs", runs, 10)
    print("target: <= 40960 bytes for 1 run, 4 x 1000 epochs")


if __name__ == "__main__":
    main()
