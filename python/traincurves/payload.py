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
        "batches": batch_payload(run),
        "steps_per_epoch": run.steps_per_epoch,
        "bands": {
            name: {"low": [compact(v) for v in low], "high": [compact(v) for v in high]}
            for name, (low, high) in run.bands.items()
        },
        "progress": {"epoch": 3, "total": 20, "elapsed": 3.4}
      }],
      "view": {"metrics": ["val_accuracy"]}    # optional: only these metrics
    }

NaN and infinities are written as ``null`` here, whatever JSON packer the
kernel uses, and listed in ``nonfinite``. The renderer's validator
(``src/payload.ts``) reads exactly this.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .downsample import MAX_BATCH_POINTS, minmax_indices
from .metrics import direction
from .run import Run
from .summary import summary, table
from .values import compact

MIME_TYPE = "application/vnd.traincurves.v1+json"
VERSION = 1


def run_payload(run: Run) -> dict[str, Any]:
    shown = [epoch + 1 for epoch in run._epochs]
    times = run._times
    payload: dict[str, Any] = {
        "id": run.id,
        "name": run.name,
        "status": run.status,
        "params": dict(run.params),
        "epochs": shown,
        "metrics": {name: list(column) for name, column in run._compact.items()},
        "time": None
        if all(t is None for t in times)
        else [None if t is None else round(t, 3) for t in times],
        "nonfinite": {
            name: [[epoch + 1, kind] for epoch, kind in found]
            for name, found in run.nonfinite.items()
        },
        "best": {},
        "events": [_shown_event(event) for event in run.events],
        "findings": _findings(run),
        "batches": batch_payload(run),
        "steps_per_epoch": run.steps_per_epoch,
        "bands": {
            name: {"low": [compact(v) for v in low], "high": [compact(v) for v in high]}
            for name, (low, high) in run.bands.items()
        },
        "progress": {
            "epoch": shown[-1] if shown else 0,
            "total": run.total_epochs,
            "elapsed": None if run.elapsed is None else round(run.elapsed, 3),
        },
    }
    for name in run:
        best = run.best(name)
        if best is not None:
            payload["best"][name] = {
                "epoch": best[0] + 1,
                "value": compact(best[1]),
                "mode": direction(name),
            }
    return payload


def batch_payload(run: Run, limit: int = MAX_BATCH_POINTS) -> dict[str, Any] | None:
    """Batch-level curves on a fractional-epoch axis aligned with the epochs.

    A batch at step s of epoch e (0-based) of n steps is drawn at e + (s+1)/n,
    so the last batch of an epoch sits on that epoch's point (shown as e+1).
    """
    count = len(run._batch_epoch)
    if count == 0:
        return None
    steps: dict[int, int] = {}
    for epoch, step in zip(run._batch_epoch, run._batch_step):
        if step + 1 > steps.get(epoch, 0):
            steps[epoch] = step + 1
    columns = list(run._batch_values.values())
    keep = minmax_indices(columns, limit)
    x = []
    for i in keep:
        epoch = run._batch_epoch[i]
        n = run.steps_per_epoch or max(steps[epoch], steps.get(epoch - 1, 0))
        x.append(round(epoch + (run._batch_step[i] + 1) / n, 6))
    return {
        "x": x,
        "metrics": {
            name: [compact(column[i]) for i in keep]
            for name, column in run._batch_values.items()
        },
        "count": count,
    }


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


def payload(runs: Iterable[Run], metrics: list[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": VERSION,
        "runs": [run_payload(run) for run in runs],
    }
    if metrics:
        data["view"] = {"metrics": list(metrics)}
    return data


def bundle(runs: Iterable[Run], metrics: list[str] | None = None) -> dict[str, Any]:
    """The MIME bundle: the payload plus a text summary for everywhere else.

    ``metrics`` limits the panel to those metrics (``tc.compare(metric=...)``).
    """
    runs = list(runs)
    text = summary(runs) if len(runs) == 1 else table(runs, metrics)
    return {MIME_TYPE: payload(runs, metrics), "text/plain": text}
