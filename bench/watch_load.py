"""``tc.watch`` following 10 files that grow by 100 records/s each.

A writer process appends the records (each stamped with its write time); this
process runs the watcher (as a kernel would, publishing nowhere) and reports
its CPU share and the delay from write to the record being in the Run.
Targets: CPU <= 5 % of a core, delay <= 1 s at p95.
Run: ``.venv/bin/python bench/watch_load.py``.
"""

import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from traincurves.watch import Watcher

FILES, RATE, SECONDS = 10, 100, 10

WRITER = textwrap.dedent(
    f"""
    import json, sys, time
    from pathlib import Path
    folder = Path(sys.argv[1])
    handles = [open(folder / f"run{{i}}.jsonl", "a") for i in range({FILES})]
    for i, h in enumerate(handles):
        h.write(json.dumps({{"type": "start", "version": 1, "run": f"run{{i}}", "id": str(i)}}) + "\\n")
        h.flush()
    start = time.time()
    for n in range({RATE * SECONDS}):
        for h in handles:
            h.write(json.dumps({{"type": "batch", "epoch": 0, "step": n,
                                 "metrics": {{"loss": time.time()}}}}) + "\\n")
            h.flush()
        time.sleep(max(0, start + (n + 1) / {RATE} - time.time()))
    for h in handles:
        h.write(json.dumps({{"type": "end", "status": "finished"}}) + "\\n")
        h.close()
    """
)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    watcher = Watcher(str(folder / "*.jsonl"), every=0.5, timeout=SECONDS + 10)
    delays: list[float] = []
    seen = [0] * FILES
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder)])
    cpu0, wall0 = cpu(), time.monotonic()
    while not watcher.finished() and time.monotonic() - wall0 < SECONDS + 10:
        watcher.poll()
        now = time.time()
        for i, run in enumerate(watcher.runs):
            stamps = run.batches.get("loss", [])
            delays += [now - stamp for stamp in stamps[seen[i] :]]
            seen[i] = len(stamps)
        time.sleep(watcher.every)
    cpu_share = (cpu() - cpu0) / (time.monotonic() - wall0)
    writer.wait()
    records = sum(len(r.batches.get("loss", [])) for r in watcher.runs)
    delays.sort()
    print(f"{FILES} files x {RATE} records/s for {SECONDS} s: {records:,} records read")
    print(f"  watcher CPU: {cpu_share * 100:.1f} % of one core (target <= 5 %)")
    print(
        f"  write -> read delay: median {statistics.median(delays):.2f} s, "
        f"p95 {delays[int(0.95 * len(delays))]:.2f} s (target p95 <= 1 s; "
        f"polling every {watcher.every} s)"
    )


if __name__ == "__main__":
    main()
