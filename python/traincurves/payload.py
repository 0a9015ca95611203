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
        "nonfinite": {"loss": [[3, "nan"]]},     # where null means NaN/inf
        "best": {"val_loss": {"epoch": 2, "value": 0.5, "mode": "min"}},
        "events": [{"kind": "early_stop", "epoch": 3}],
        "progress": {"epoch": 3, "total": 20, "elapsed": 3.4}
      }]
    }

NaN and infinities are written as ``null`` here, whatever JSON packer the
kernel uses, and listed in ``nonfinite``. The renderer's validator
(``src/payload.ts``) reads exactly this.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .metrics import direction
from .run import Run
from .summary import summary
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


def _shown_event(event: dict[str, Any]) -> dict[str, Any]:
    shown = dict(event)
    for key in ("epoch", "best_epoch"):
        if isinstance(shown.get(key), int):
            shown[key] = shown[key] + 1
    return shown


def payload(runs: Iterable[Run]) -> dict[str, Any]:
    return {"version": VERSION, "runs": [run_payload(run) for run in runs]}


def bundle(runs: Iterable[Run]) -> dict[str, Any]:
    """The MIME bundle: the payload plus a text summary for everywhere else."""
    runs = list(runs)
    return {MIME_TYPE: payload(runs), "text/plain": summary(runs)}
