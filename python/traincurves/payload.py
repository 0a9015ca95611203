"""Builds the MIME payload, ``application/vnd.traincurves.v1+json``.

The JSON Schema ``schema/payload.v1.json`` defines it, field by field (the
package ships it: :func:`traincurves.schema.payload_schema`). The renderer
checks each payload against that schema (``src/payload.ts``), and the tests
check each payload built here against it. In short: columnar, each run with
its epochs shown from 1 and one column per metric aligned with them; NaN and
infinities are written as ``null`` here, whatever JSON packer the kernel
uses, and listed in the run's ``nonfinite``.

A panel saved while a run was ``running`` is only live while the kernel
process that sent it is: the renderer compares the payload's ``kernel`` with
the session id in the headers of the messages the notebook's kernel sends
now.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable
from typing import Any

from .batches import MIN_BATCH_POINTS
from .config import settings
from .kernel import session_id
from .layers import BYTES_PER_SUMMARY
from .live import Update
from .metrics import direction
from .presentation import run_text
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
    history = run.epoch_table
    rows = history.shown_rows(epoch_rows)

    def pick(column: list[Any]) -> list[Any]:
        return list(column) if rows is None else [column[i] for i in rows]

    shown = pick([epoch + 1 for epoch in history.epochs])
    times = history.times
    payload: dict[str, Any] = {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "params": dict(run.params),
        "epochs": shown,
        "metrics": {name: pick(column) for name, column in history.compact.items()},
        "time": None if all(t is None for t in times) else pick(history.compact_times),
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
        payload["epoch_count"] = len(history)
    if run.distributions:
        payload["distributions"] = [
            d.to_payload(limit=layer_epochs) for d in run.distributions.values()
        ]
    payload["text"] = run_text(payload)
    for name in run:
        best = run.best(name)
        if best is not None:
            payload["best"][name] = {
                "epoch": best[0] + 1,
                "value": compact(best[1]),
                "mode": direction(name),
            }
    return payload


def batch_payload(run: Run, max_bytes: float | None = None) -> dict[str, Any] | None:
    """Batch-level curves on a fractional-epoch axis aligned with the epochs
    (see ``traincurves.batches``), reduced to about ``max_bytes`` of JSON
    (all of them when None)."""
    curves = run.batch_table.curves(run.steps_per_epoch, max_bytes)
    if curves is None:
        return None
    return {"x": curves.x, "metrics": curves.metrics, "count": curves.count}


def batch_budgets(runs: list[Run], max_bytes: int) -> list[float | None]:
    """JSON bytes each run's batch curves may take so the payload stays under
    ``max_bytes``.

    Epoch series are never reduced; what they leave is shared evenly by the
    runs that have batch curves (None: a run without any).
    """
    numbers = 0
    summaries = 0
    for run in runs:
        numbers += len(run) * _numbers_per_epoch(run)
        summaries += sum(len(d.epochs) for d in run.distributions.values())
    left = (
        max_bytes
        - BYTES_PER_NUMBER * numbers
        - BYTES_PER_SUMMARY * summaries
        - BYTES_PER_RUN * len(runs)
    )
    with_batches = [run for run in runs if len(run.batch_table)]
    share = max(0, left) / max(1, len(with_batches))
    return [share if len(run.batch_table) else None for run in runs]


def _numbers_per_epoch(run: Run) -> int:
    """A value per metric, the epoch and its time, and each band's two."""
    return len(run.epoch_table.values) + 2 + 2 * len(run.bands)


def epoch_limits(runs: list[Run], max_bytes: int) -> list[int | None]:
    """Epoch rows per run for a live update: epoch curves may take 3/4 of
    the cap; below that (the usual case) they go whole (None)."""
    per_epoch = [_numbers_per_epoch(run) for run in runs]
    numbers = sum(len(run) * n for run, n in zip(runs, per_epoch))
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
    runs: Iterable[Run],
    metrics: list[str] | None = None,
    static: bool | None = None,
    update: Update | None = None,
) -> dict[str, Any]:
    """The MIME bundle: the payload plus, for everywhere the extension is not,
    a text summary and a static SVG picture of the panel.

    ``metrics`` limits the panel to those metrics (``tc.compare(metric=...)``).
    ``static``: include the picture (default: see :func:`wants_static`).
    ``update``: what a live display builds it for; None: a bundle shown once.
    """
    runs = list(runs)
    with contextlib.ExitStack() as locked:
        # Each run as of one moment, though training goes on in another thread;
        # always in the same order, so two builders cannot deadlock.
        for run in sorted(set(runs), key=id):
            locked.enter_context(run.lock)
        text = summary(runs) if len(runs) == 1 else table(runs, metrics)
        cap = _live_cap(runs, update)
        data = payload(runs, metrics, cap, live=cap is not None)
    result = {MIME_TYPE: data, "text/plain": text}
    if wants_static(runs, static, update):
        picture = _picture(data)
        if picture is not None:
            result["image/svg+xml"] = picture
    return result


def _live_cap(runs: list[Run], update: Update | None) -> int | None:
    """A smaller cap for updates sent while a run goes on: they come several
    times a second, so their batch curves are coarser; the last update has
    the full detail."""
    if update is None or update.final or not any(r.status == "running" for r in runs):
        return None
    return settings().max_bytes // LIVE_SHARE


def wants_static(
    runs: list[Run], static: bool | None = None, update: Update | None = None
) -> bool:
    """Whether a bundle carries the static picture: the ``static`` keyword,
    else the live display's, else ``tc.configure``'s default. A live display
    leaves it out of updates sent while a run goes on: it is drawn once, for
    the panel as it ends."""
    if static is not None:
        return static
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
