"""Size and build time of a sweep's comparison: 200 and 1000 runs x 100
epochs x 4 metrics (test/fixtures/sweep.py, over lr, weight decay, width).

Run: ``.venv/bin/python bench/sweep.py``. Targets at 200 runs: payload
<= 1 MB (the cap of every panel), picture <= 100 KB, ``tc.compare`` built
in <= 300 ms. "diagnosis ms" is diagnosing every run once (the first
bundle of runs just loaded does it; each run caches its findings); "build
ms" the median bundle after that, as a live comparison or a re-shown one
builds it, picture included; "svg ms" drawing the picture from the built
payload (part of it).
"""

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "python"), str(ROOT / "test" / "fixtures")]

from sweep import sweep_runs  # noqa: E402

import traincurves as tc  # noqa: E402
from traincurves.payload import MIME_TYPE, bundle  # noqa: E402
from traincurves.static import render  # noqa: E402


def ms(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1e3


def main() -> None:
    print(
        "| runs | payload bytes | reduced runs | rows each | SVG bytes | text bytes "
        "| diagnosis ms | build ms | svg ms |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for count in (200, 1000):
        runs = sweep_runs(tc, count)
        first = ms(lambda: [run.findings() for run in runs])  # noqa: B023
        again = statistics.median(ms(lambda: bundle(runs)) for _ in range(5))  # noqa: B023
        shown = bundle(runs)
        data = shown[MIME_TYPE]
        svg = statistics.median(ms(lambda: render(data)) for _ in range(5))  # noqa: B023
        size = len(json.dumps(data, separators=(",", ":"), allow_nan=False))
        reduced = [len(r["epochs"]) for r in data["runs"] if "epoch_count" in r]
        rows = f"{min(reduced)}-{max(reduced)}" if reduced else "-"
        print(
            f"| {count} | {size:,} | {len(reduced)} | {rows} "
            f"| {len(shown['image/svg+xml'].encode()):,} "
            f"| {len(shown['text/plain'].encode()):,} "
            f"| {first:.0f} | {again:.0f} | {svg:.0f} |".replace(",", " ")
        )


if __name__ == "__main__":
    main()
