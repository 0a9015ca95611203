"""The one definition of the MIME payload, ``application/vnd.traincurves.v1+json``.

Version 1, columnar::

    {
      "version": 1,
      "runs": [{
        "id": "3f2a...",                 # stable per Run object
        "name": "baseline",
        "status": "running" | "finished" | "stopped_early" | "interrupted" | "failed",
        "params": {"lr": 0.001},          # JSON scalars; anything else as text
        "epochs": [1, 2, 3],              # shown epoch numbers (1-based)
        "metrics": {"loss": [0.9, 0.5, null]},   # aligned with epochs
        "time": [1.2, 2.3, 3.4] | null,   # seconds since start per epoch
        "steps_per_epoch": 100 | null,    # for an x axis in steps
        "bands": {"loss": {"low": [...], "high": [...]}},  # spread across ranks
        "nonfinite": {"loss": [[3, "nan"]]},     # where null means NaN/inf
        "best": {"val_loss": {"epoch": 2, "value": 0.5, "mode": "min"}},
        "events": [{"kind": "early_stop", "epoch": 3}],
        "findings": [{"kind": "overfitting", "severity": "warning",
                      "metric": "val_loss", "start": 2, "end": 3,
                      "message": "...", "advice": "..."}],
        "batches": {"x": [0.25, 0.5], "metrics": {"loss": [1.2, 0.9]},
                    "count": 8} | null,      # fractional epochs; maybe reduced
        "progress": {"epoch": 3, "total": 20, "elapsed": 3.4},
        "epoch_count": 18000,            # only when a live update of a very
                                         # long panel reduced the epoch rows
        "distributions": [{              # optional: layer activations/weights
          "name": "dense_1",             # "dense_1/kernel", "net.0/grad_norm"
          "kind": "activations" | "weights" | "gradients",
          "epochs": [1, 2],              # shown from 1, like "epochs"
          "size": 16384,                 # values summarised per epoch
          "quantiles": {"min": [...], "p5": [...], "p25": [...], "p50": [...],
                        "p75": [...], "p95": [...], "max": [...]},  # null: none finite
          "zeros": [0.1, 0.4],           # share of exact zeros
          "nonfinite": [0.0, 0.0],       # share of NaN/inf
          "histogram": {"low": [...], "high": [...],   # each epoch's range
                        "counts": [[3, 9, ...], ...]}, # equal bins over it
          "hints": [{"kind": "dead" | "exploding", "epoch": 2,
                     "message": "...", "advice": "..."}]
        }]
      }],
      "view": {"metrics": ["val_accuracy"]},   # optional: only these metrics
      "kernel": "5b7c..."    # optional: while a run is running, the session
                             # id of the kernel process that sends the updates
    }

A panel saved while a run was ``running`` is only live while that kernel
process is: the renderer compares ``kernel`` with the session id in the
headers of the messages the notebook's kernel sends now.

NaN and infinities are written as ``null`` here, whatever JSON packer the
kernel uses, and listed in ``nonfinite``. The renderer's validator
(``src/payload.ts``) reads exactly this.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable
from typing import Any

from .config import settings
from .kernel import session_id
from .layers import BYTES_PER_SUMMARY
from .live import current_update
from .metrics import direction
from .run import Run
from .summary import summary, table
from .values import compact

MIME_TYPE = "application/vnd.traincurves.v1+json"
VERSION = 1

# What an epoch value costs in the JSON, comma included ("0.12345678,"):
# an estimate; batch curves are measured exactly.
BYTES_PER_NUMBER = 12
# Room for a run's names, params, findings and events.
BYTES_PER_RUN = 4_000
# Live updates (several a second) get this fraction of the cap.
LIVE_SHARE = 4
# However tight the cap, a batch curve keeps this many points.
MIN_BATCH_POINTS = 300


def run_payload(
    run: Run,
    batch_bytes: float | None = None,
    epoch_rows: int | None = None,
    layer_epochs: int | None = None,
) -> dict[str, Any]:
    """One run's payload; ``batch_bytes``: the room for its batch curves;
    ``epoch_rows``: how many epochs a live update of a very long panel may
    carry (the epoch curves are then reduced like batch curves, best and
    non-finite epochs kept, and ``epoch_count`` says how many there are);
    ``layer_epochs``: the same for each layer distribution."""
    rows = _epoch_rows(run, epoch_rows)

    def pick(column: list[Any]) -> list[Any]:
        return list(column) if rows is None else [column[i] for i in rows]

    shown = pick([epoch + 1 for epoch in run._epochs])
    times = run._times
    payload: dict[str, Any] = {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "params": dict(run.params),
        "epochs": shown,
        "metrics": {name: pick(column) for name, column in run._compact.items()},
        "time": None if all(t is None for t in times) else pick(run._compact_times),
        "nonfinite": {
            name: [[epoch + 1, kind] for epoch, kind in found]
            for name, found in run.nonfinite.items()
        },
        "best": {},
        "events": [_shown_event(event) for event in run.events],
        "findings": _findings(run),
        "batches": batch_payload(run, batch_bytes),
        "steps_per_epoch": run.steps_per_epoch,
        "bands": {
            name: {
                "low": [compact(v) for v in pick(low)],
                "high": [compact(v) for v in pick(high)],
            }
            for name, (low, high) in run.bands.items()
        },
        "progress": {
            "epoch": shown[-1] if shown else 0,
            "total": run.total_epochs,
            "elapsed": None if run.elapsed is None else round(run.elapsed, 3),
        },
    }
    if rows is not None:
        payload["epoch_count"] = len(run._epochs)
    if run.distributions:
        payload["distributions"] = [
            d.to_payload(limit=layer_epochs) for d in run.distributions.values()
        ]
    for name in run:
        best = run.best(name)
        if best is not None:
            payload["best"][name] = {
                "epoch": best[0] + 1,
                "value": compact(best[1]),
                "mode": direction(name),
            }
    return payload


def _epoch_rows(run: Run, limit: int | None) -> list[int] | None:
    """The epoch rows a live update shows when there are more than ``limit``:
    each bucket's first, lowest and highest, NaN edges and the best epochs."""
    if limit is None or len(run._epochs) <= limit:
        return None
    names = list(run._values)
    rows = set(run._epoch_reducer.indices(names, list(run._values.values()), limit))
    for name in names:
        best = run._fresh_stats().best_row.get(name)
        if best and best[-1] is not None:
            rows.add(best[-1])
    return sorted(rows)


def batch_payload(run: Run, max_bytes: float | None = None) -> dict[str, Any] | None:
    """Batch-level curves on a fractional-epoch axis aligned with the epochs,
    reduced to about ``max_bytes`` of JSON (all of them when None).

    A batch at step s of epoch e (0-based) of n steps is drawn at e + (s+1)/n,
    so the last batch of an epoch sits on that epoch's point (shown as e+1).
    """
    with run._batch_lock:  # a Keras worker thread may be inserting
        count = len(run._batch_epoch)
        if count == 0:
            return None
        if max_bytes is None:
            rows = [_batch_row(run, i)[0] for i in range(count)]
        else:
            reducer = run._batch_reducer
            limit = max(MIN_BATCH_POINTS, int(max_bytes / reducer.row_bytes))
            rows, size = _reduced_rows(run, limit)
            for _ in range(4):
                if size <= max_bytes or limit == MIN_BATCH_POINTS:
                    break
                # Longer numbers than estimated: again, with what they cost
                # (bucket widths are powers of two, so a step can change nothing).
                limit = max(MIN_BATCH_POINTS, int(limit * max_bytes / size * 0.9))
                rows, size = _reduced_rows(run, limit)
            reducer.row_bytes = size / len(rows)
        names = list(run._batch_values)
        return {
            "x": [row[0] for row in rows],
            "metrics": {
                name: [row[c + 1] for row in rows] for c, name in enumerate(names)
            },
            "count": count,
        }


def _reduced_rows(run: Run, limit: int) -> tuple[list[tuple], int]:
    """The rows shown at about ``limit`` rows, and their size in JSON.

    Rows the reducer reports stable keep the form they were given at the
    last update (a live update encodes only what is new), unless they are in
    the epoch being trained, whose batch positions still move as its steps
    are counted.
    """
    columns = list(run._batch_values.values())
    reducer = run._batch_reducer
    keep = reducer.indices(list(run._batch_values), columns, limit)
    made, made_size = [], 0
    cache = run._batch_rows
    if cache is not None and cache[0] == reducer.generation:
        made, made_size = list(cache[1]), cache[2]
    last_epoch = run._batch_epoch[-1]
    final = reducer.stable
    if not run.steps_per_epoch:
        while final > len(made) and run._batch_epoch[keep[final - 1]] >= last_epoch:
            final -= 1
    rows, size = made, made_size
    for position in range(len(made), len(keep)):
        if position == final:
            run._batch_rows = (reducer.generation, list(rows), size)
        row, cost = _batch_row(run, keep[position])
        rows.append(row)
        size += cost
    if final == len(keep):
        run._batch_rows = (reducer.generation, list(rows), size)
    return rows, size


def _batch_row(run: Run, i: int) -> tuple[tuple, int]:
    """Batch row ``i`` as written: (x, value per metric), and its JSON size."""
    epoch = run._batch_epoch[i]
    steps = run._batch_steps_seen
    n = run.steps_per_epoch or max(steps[epoch], steps.get(epoch - 1, 0))
    row = (
        round(epoch + (run._batch_step[i] + 1) / n, 6),
        *(compact(column[i]) for column in run._batch_values.values()),
    )
    # Each number and its comma; None is written as null.
    return row, sum(5 if v is None else len(repr(v)) + 1 for v in row)


def batch_budgets(runs: list[Run], max_bytes: int) -> list[float | None]:
    """JSON bytes each run's batch curves may take so the payload stays under
    ``max_bytes``.

    Epoch series are never reduced; what they leave is shared evenly by the
    runs that have batch curves (None: a run without any).
    """
    numbers = 0
    summaries = 0
    for run in runs:
        per_epoch = len(run._compact) + 2 + 2 * len(run.bands)  # epochs, time
        numbers += len(run._epochs) * per_epoch
        summaries += sum(len(d.epochs) for d in run.distributions.values())
    left = (
        max_bytes
        - BYTES_PER_NUMBER * numbers
        - BYTES_PER_SUMMARY * summaries
        - BYTES_PER_RUN * len(runs)
    )
    with_batches = [run for run in runs if run._batch_epoch]
    share = max(0, left) / max(1, len(with_batches))
    return [share if run._batch_epoch else None for run in runs]


def epoch_limits(runs: list[Run], max_bytes: int) -> list[int | None]:
    """Epoch rows per run for a live update: epoch curves may take 3/4 of
    the cap; below that (the usual case) they go whole (None)."""
    per_epoch = [len(run._compact) + 2 + 2 * len(run.bands) for run in runs]
    numbers = sum(len(run._epochs) * n for run, n in zip(runs, per_epoch))
    room = 0.75 * max_bytes
    if BYTES_PER_NUMBER * numbers <= room:
        return [None] * len(runs)
    share = room / len(runs)
    return [
        max(MIN_BATCH_POINTS, int(share / (BYTES_PER_NUMBER * n))) for n in per_epoch
    ]


def layer_limit(runs: list[Run], max_bytes: int) -> int | None:
    """Epochs per layer distribution in a live update: they may take a
    quarter of the cap; below that (the usual case) they go whole (None)."""
    layers = [d for run in runs for d in run.distributions.values()]
    summaries = sum(len(d.epochs) for d in layers)
    room = 0.25 * max_bytes
    if not layers or BYTES_PER_SUMMARY * summaries <= room:
        return None
    return max(20, int(room / (BYTES_PER_SUMMARY * len(layers))))


def _findings(run: Run) -> list[dict[str, Any]]:
    """The run's findings, epochs shown from 1."""
    return [
        {**f.to_dict(), "start": f.start + 1, "end": f.end + 1} for f in run.findings()
    ]


def _shown_event(event: dict[str, Any]) -> dict[str, Any]:
    shown = dict(event)
    for key in ("epoch", "best_epoch"):
        if isinstance(shown.get(key), int):
            shown[key] = shown[key] + 1
    return shown


def payload(
    runs: Iterable[Run],
    metrics: list[str] | None = None,
    max_bytes: int | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """The payload of ``runs``, about ``max_bytes`` at most (default:
    ``tc.configure(max_bytes=...)``); batch series are reduced to fit, epoch
    series never are — except in ``live`` updates, which stay under the cap
    whatever the length of the runs, and are followed by a whole last one."""
    runs = list(runs)
    cap = settings().max_bytes if max_bytes is None else max_bytes
    budgets = batch_budgets(runs, cap)
    limits = epoch_limits(runs, cap) if live else [None] * len(runs)
    layers = layer_limit(runs, cap) if live else None
    data: dict[str, Any] = {
        "version": VERSION,
        "runs": [
            run_payload(run, budget, limit, layers)
            for run, budget, limit in zip(runs, budgets, limits)
        ],
    }
    if metrics:
        data["view"] = {"metrics": list(metrics)}
    kernel = session_id()
    if kernel is not None and any(run.status == "running" for run in runs):
        data["kernel"] = kernel
    return data


def bundle(
    runs: Iterable[Run], metrics: list[str] | None = None, static: bool | None = None
) -> dict[str, Any]:
    """The MIME bundle: the payload plus, for everywhere the extension is not,
    a text summary and a static SVG picture of the panel.

    ``metrics`` limits the panel to those metrics (``tc.compare(metric=...)``).
    ``static``: include the picture (default: see :func:`wants_static`).
    """
    runs = list(runs)
    with contextlib.ExitStack() as locked:
        # Each run as of one moment, though training goes on in another thread;
        # always in the same order, so two builders cannot deadlock.
        for run in sorted(set(runs), key=id):
            locked.enter_context(run._lock)
        text = summary(runs) if len(runs) == 1 else table(runs, metrics)
        cap = _live_cap(runs)
        data = payload(runs, metrics, cap, live=cap is not None)
    result = {MIME_TYPE: data, "text/plain": text}
    if wants_static(runs, static):
        picture = _picture(data)
        if picture is not None:
            result["image/svg+xml"] = picture
    return result


def _live_cap(runs: list[Run]) -> int | None:
    """A smaller cap for updates sent while a run goes on: they come several
    times a second, so their batch curves are coarser; the last update has
    the full detail."""
    update = current_update.get()
    if update is None or update.final or not any(r.status == "running" for r in runs):
        return None
    return settings().max_bytes // LIVE_SHARE


def wants_static(runs: list[Run], static: bool | None = None) -> bool:
    """Whether a bundle carries the static picture: the ``static`` keyword,
    else the live display's, else ``tc.configure``'s default. A live display
    leaves it out of updates sent while a run goes on: it is drawn once, for
    the panel as it ends."""
    if static is not None:
        return static
    update = current_update.get()
    if update is not None:
        if not update.final and any(run.status == "running" for run in runs):
            return False
        if update.static is not None:
            return update.static
    return settings().static


_picture_failed = False


def _picture(data: dict[str, Any]) -> str | None:
    """The SVG of a payload; a failure costs the picture, never the panel.

    With neither a metric nor a layer distribution there is nothing to
    picture: the text says more.
    """
    global _picture_failed
    if not any(run["metrics"] or run.get("distributions") for run in data["runs"]):
        return None
    try:
        from .static import render

        return render(data)
    except Exception as error:
        if not _picture_failed:
            _picture_failed = True
            warnings.warn(
                f"traincurves could not draw the static picture of a panel "
                f"({error!r}); outputs carry the interactive panel and text only.",
                RuntimeWarning,
                stacklevel=3,
            )
        return None
