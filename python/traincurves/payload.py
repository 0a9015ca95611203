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
now. A live display's payloads also say where it began (``origin``: display
id, notebook cell, execution), so that a page opened while it still updates
(a reloaded page) can find the output they belong to.
"""

from __future__ import annotations

import contextlib
import json
import math
import warnings
from collections.abc import Iterable
from typing import Any

from .batches import MIN_BATCH_POINTS
from .config import settings
from .kernel import session_id
from .layers import BYTES_PER_SUMMARY
from .live import Update
from .metrics import direction
from .presentation import (
    charts,
    finding_groups,
    finding_label,
    focus_metric,
    highlight_colors,
    highlight_count,
    run_colors,
    run_ranks,
    run_text,
)
from .run import Run
from .summary import comparison_text, live_text, summary
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
# Epoch rows a compared run keeps at least when a comparison too large for
# its cap has its curves reduced: a curve's shape, drawn faint among many.
MIN_EPOCH_ROWS = 24
# A run's columns, aligned with its epochs: what a reduction shortens.
_COLUMNS = ("epochs", "metrics", "time", "bands", "nonfinite")


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
    columns = epoch_columns(run, epoch_rows)
    shown = columns["epochs"]
    payload: dict[str, Any] = {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "params": dict(run.params),
        **columns,
        "best": {},
        "events": [_shown_event(event) for event in run.events],
        "findings": _findings(run),
        "batches": batch_payload(run, batch_bytes),
        "steps_per_epoch": run.steps_per_epoch,
        "progress": {
            "epoch": shown[-1] if shown else 0,
            "total": run.total_epochs,
            "elapsed": None if run.elapsed is None else round(run.elapsed, 3),
        },
    }
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


def epoch_columns(run: Run, epoch_rows: int | None = None) -> dict[str, Any]:
    """A run's payload fields aligned with its epochs (``epochs``,
    ``metrics``, ``time``, ``bands``) and ``nonfinite``; reduced to about
    ``epoch_rows`` rows, with ``epoch_count``, when the run has more."""
    history = run.epoch_table
    rows = history.shown_rows(epoch_rows)

    def pick(column: list[Any]) -> list[Any]:
        return list(column) if rows is None else [column[i] for i in rows]

    shown = pick([epoch + 1 for epoch in history.epochs])
    times = history.times
    columns: dict[str, Any] = {
        "epochs": shown,
        "metrics": {name: pick(column) for name, column in history.compact.items()},
        "time": None if all(t is None for t in times) else pick(history.compact_times),
        "nonfinite": _nonfinite(run, None if rows is None else set(shown)),
        "bands": {
            name: {
                "low": [compact(v) for v in pick(low)],
                "high": [compact(v) for v in pick(high)],
            }
            for name, (low, high) in run.bands.items()
        },
    }
    if rows is not None:
        columns["epoch_count"] = len(history)
    return columns


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


def _nonfinite(run: Run, shown: set[int] | None) -> dict[str, list[list[Any]]]:
    """Metric -> [[epoch shown, kind]]; of a run whose epochs are reduced,
    those among the epochs it carries (the reduction keeps the edges of
    every non-finite stretch)."""
    found = {
        name: [[epoch + 1, kind] for epoch, kind in entries]
        for name, entries in run.nonfinite.items()
    }
    if shown is None:
        return found
    return {
        name: [e for e in entries if e[0] in shown] for name, entries in found.items()
    }


def _findings(run: Run) -> list[dict[str, Any]]:
    """The run's findings, epochs shown from 1."""
    found = [
        {**f.to_dict(), "start": f.start + 1, "end": f.end + 1} for f in run.findings()
    ]
    return [{**f, "label": finding_label(f)} for f in found]


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
    origin: dict[str, Any] | None = None,
    highlight: int | bool | None = None,
    focus: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The payload of ``runs``, about ``max_bytes`` at most (default:
    ``tc.configure(max_bytes=...)``); batch series are reduced to fit, epoch
    series of one run never are — except in ``live`` updates, which stay
    under the cap whatever the length of the runs, and are followed by a
    whole last one. A comparison also says its focus metric, each run's
    rank by it, how many best runs are highlighted (``highlight``: see
    :func:`~traincurves.presentation.highlight_count`; ``focus``: the
    metric and mode to rank by, whatever the metric's name says, as an
    Optuna study's objective) and its findings by kind; one larger than the cap has the epoch curves of the runs not
    highlighted reduced for display (see :func:`fit_comparison`).
    ``origin``: a live display's display id, cell and execution
    (``kernel.origin``), written in every one of its updates."""
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
    # Every curve the panel can draw: batch-only metrics get a chart too.
    names = (
        name
        for run in data["runs"]
        for name in [*run["metrics"], *((run["batches"] or {}).get("metrics") or {})]
    )
    colors = run_colors(data["runs"])
    for run in data["runs"]:
        run["color"] = colors[run["id"]]
    if len(runs) > 1:
        if focus is not None and focus["mode"] != direction(focus["metric"]):
            _best_by(data["runs"], runs, focus)
        rank_comparison(data, highlight, focus)
    # The focus metric's chart is a key chart: its metrics lead the header.
    named = (data.get("focus") or focus or {}).get("metric")
    data["charts"] = charts((n for n in names if not metrics or n in metrics), named)
    if len(runs) > 1:
        fit_comparison(data, runs, cap)
    kernel = session_id()
    if kernel is not None and any(run.status == "running" for run in runs):
        data["kernel"] = kernel
    if origin is not None:
        data["origin"] = dict(origin)
    return data


def _best_by(shown: list[dict[str, Any]], runs: list[Run], focus: dict) -> None:
    """The best value of the focus metric by the focus' mode, where the
    metric's name says otherwise (``objective`` of a maximised study)."""
    metric, sign = focus["metric"], 1 if focus["mode"] == "min" else -1
    for data, run in zip(shown, runs):
        values = run.epoch_table.values.get(metric) or []
        finite = [
            (sign * v, i)
            for i, v in enumerate(values)
            if v is not None and math.isfinite(v)
        ]
        if finite:
            _, row = min(finite)
            data["best"][metric] = {
                "epoch": run.epoch_table.epochs[row] + 1,
                "value": compact(values[row]),
                "mode": focus["mode"],
            }


def rank_comparison(
    data: dict[str, Any],
    highlight: int | bool | None,
    focus: dict[str, str] | None = None,
) -> None:
    """Write a comparison's ``focus``, each run's ``rank``, ``highlight``
    and ``finding_groups`` into its payload ``data``; highlighted runs that
    share a palette colour get distinct ones."""
    shown = data["runs"]
    view = (data.get("view") or {}).get("metrics") or []
    if focus is None:
        focus = focus_metric(shown, view[0] if len(view) == 1 else None)
    ranks = run_ranks(shown, focus)
    for run in shown:
        run["rank"] = ranks[run["id"]]
    k = highlight_count(
        len(shown), sum(r is not None for r in ranks.values()), highlight
    )
    data["focus"] = focus
    if k is not None:
        data["highlight"] = k
        changed = highlight_colors(shown, ranks, k)
        for run in shown:
            run["color"] = changed.get(run["id"], run["color"])
    data["finding_groups"] = finding_groups(shown)


def fit_comparison(data: dict[str, Any], runs: list[Run], cap: int) -> None:
    """Keep a comparison's payload ``data`` under ``cap`` bytes: when it is
    larger, the epoch curves of the runs not highlighted (of every run when
    none is) are reduced for display, evenly, to each stretch's first,
    lowest and highest values, best and non-finite epochs kept, at least
    MIN_EPOCH_ROWS rows; ``epoch_count`` then says how many epochs a run
    has. Highlighted runs stay whole, and every run keeps all its values."""
    shown = data["runs"]
    k = data.get("highlight")
    strong = [k is not None and (r.get("rank") or k + 1) <= k for r in shown]
    rest = [
        len(json.dumps({n: v for n, v in r.items() if n not in _COLUMNS}, **_COMPACT))
        for r in shown
    ]
    # A non-finite entry ([12,"nan"]) costs about what a number does.
    numbers = [
        len(r["epochs"]) * _row_numbers(r) + sum(map(len, r["nonfinite"].values()))
        for r in shown
    ]
    if sum(rest) + BYTES_PER_NUMBER * sum(numbers) <= cap:
        return
    reduced = [i for i, s in enumerate(strong) if not s] or list(range(len(shown)))
    whole = sum(numbers) - sum(numbers[i] for i in reduced)
    fixed = sum(rest) + BYTES_PER_NUMBER * whole
    share = max(0, cap - fixed) / len(reduced)
    # The reduction keeps fewer rows than it is allowed (whole buckets of
    # smooth curves share their extremes): while that leaves half the cap
    # unused, allow twice as many.
    chosen: dict[int, dict[str, Any]] = {}
    for scale in (1, 2, 4, 8):
        trial: dict[int, dict[str, Any]] = {}
        for i in reduced:
            per_row = BYTES_PER_NUMBER * _row_numbers(shown[i])
            rows = max(MIN_EPOCH_ROWS, int(scale * share / per_row))
            if rows < len(runs[i]):
                trial[i] = epoch_columns(runs[i], rows)
        used = fixed + sum(
            _column_bytes(trial[i]) if i in trial else BYTES_PER_NUMBER * numbers[i]
            for i in reduced
        )
        if used > cap and scale > 1:
            break
        chosen = trial
        if used > 0.6 * cap or len(trial) < len(reduced):
            break
    for i, columns in chosen.items():
        shown[i].update(columns)


_COMPACT: dict[str, Any] = {"separators": (",", ":")}


def _column_bytes(run: dict[str, Any]) -> int:
    """The JSON bytes of a run payload's columns, measured."""
    return len(json.dumps({n: run.get(n) for n in _COLUMNS}, **_COMPACT))


def _row_numbers(run: dict[str, Any]) -> int:
    """The numbers an epoch row of a run's payload holds: its epoch, a value
    per metric, its time if timed, each band's two."""
    timed = run.get("time") is not None
    return 1 + len(run["metrics"]) + timed + 2 * len(run.get("bands") or {})


def bundle(
    runs: Iterable[Run],
    metrics: list[str] | None = None,
    static: bool | None = None,
    update: Update | None = None,
    highlight: int | bool | None = None,
    focus: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The MIME bundle: the payload plus, for everywhere the extension is not,
    a text summary and a static SVG picture of the panel.

    ``metrics`` limits the panel to those metrics (``tc.compare(metric=...)``).
    ``static``: include the picture (default: see :func:`wants_static`).
    ``update``: what a live display builds it for; None: a bundle shown once.
    ``highlight``: how many best runs a comparison draws strongly;
    ``focus``: the metric and mode it ranks them by (default: see
    :func:`~traincurves.presentation.focus_metric`).
    """
    runs = list(runs)
    with contextlib.ExitStack() as locked:
        # Each run as of one moment, though training goes on in another thread;
        # always in the same order, so two builders cannot deadlock.
        for run in sorted(set(runs), key=id):
            locked.enter_context(run.lock)
        cap = _live_cap(runs, update)
        origin = update.origin if update is not None else None
        data = payload(runs, metrics, cap, cap is not None, origin, highlight, focus)
        if cap is not None:  # several a second: a line per run, not the table
            text = live_text(runs)
        elif len(runs) == 1:
            text = summary(runs)
        else:
            text = comparison_text(runs, data, metrics)
    result = {MIME_TYPE: data, "text/plain": text}
    if wants_static(runs, static, update):
        # While runs train, the display's last drawing until a new one is due.
        reused = update.picture if update is not None and cap is not None else None
        picture = reused or _picture(data)
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
    else the live display's, else ``tc.configure``'s default. Updates sent
    while a run goes on carry it too unless ``tc.configure(live_static=False)``:
    frontends without the extension then show the run live."""
    if static is not None:
        return static
    wanted = settings().static
    if update is not None:
        if update.static is not None:
            wanted = update.static
        if not update.final and any(run.status == "running" for run in runs):
            return wanted and settings().live_static
    return wanted


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
