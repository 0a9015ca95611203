"""Runs on disk: ``run.save(path)`` / ``tc.load(path)``.

The traincurves run file is JSON (version 1)::

    {"format": "traincurves.run", "version": 1,
     "name": "baseline", "id": "3f2a...", "status": "finished",
     "params": {"lr": 0.001}, "total_epochs": 30, "steps_per_epoch": 42,
     "started": 1764213000.5, "ended": 1764213042.1,
     "events": [{"kind": "early_stop", "epoch": 17, "best_epoch": 12}],
     "epochs": [0, 1, 2],                       # 0-based, as logged
     "times": [1.2, 2.4, 3.5],                  # seconds since start, or null
     "metrics": {"loss": [0.9, "nan", null]},   # null: not logged that epoch
     "batches": {"epoch": [...], "step": [...], "metrics": {"loss": [...]}},
     "distributions": [...]}    # optional; as in the payload, epochs 0-based

NaN and infinities are written as the strings "nan", "inf", "-inf" so the
file is standard JSON that any tool reads. ``tc.load`` and ``tc.load_all``
read it and every other kind of log ``traincurves.readers`` knows.
"""

from __future__ import annotations

import glob
import json
import math
import os
from pathlib import Path
from typing import Any

from .layers import Distribution
from .readers.base import LoadError
from .run import STATUSES, Run

FORMAT = "traincurves.run"
VERSION = 1
_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _out(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _in(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, str) and value in _SPECIAL:
        return _SPECIAL[value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{where}: {value!r} is not a number")


def run_to_dict(run: Run) -> dict[str, Any]:
    batches = run.batch_table
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": run.name,
        "id": run.id,
        "status": run.status,
        "params": dict(run.params),
        "total_epochs": run.total_epochs,
        "steps_per_epoch": run.steps_per_epoch,
        "started": run.started,
        "ended": run.ended,
        "events": [dict(e) for e in run.events],
        "epochs": run.epochs,
        "times": run.times,
        "metrics": {
            k: [_out(v) for v in col] for k, col in run.epoch_table.values.items()
        },
        "batches": {
            "epoch": list(batches.epochs),
            "step": list(batches.steps),
            "metrics": {k: [_out(v) for v in col] for k, col in batches.values.items()},
        },
        "distributions": [
            {k: v for k, v in d.to_payload(first=0).items() if k != "hints"}
            for d in run.distributions.values()
        ],
    }


def save(run: Run, path: str | os.PathLike[str]) -> Path:
    """Write the run; the file is replaced whole, never left half-written."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(run_to_dict(run), allow_nan=False))
    os.replace(tmp, path)
    return path


def run_from_dict(data: dict[str, Any], source: str) -> Run:
    if data.get("version") != VERSION:
        raise ValueError(
            f"{source} is a traincurves run file of version {data.get('version')!r}; "
            f"this traincurves reads version {VERSION}"
        )
    status = data.get("status", "finished")
    if status not in STATUSES:
        raise ValueError(f"{source}: unknown status {status!r}")
    run = Run(
        data.get("name") or "run",
        data.get("params") or {},
        total_epochs=data.get("total_epochs"),
    )
    run.id = str(data.get("id") or run.id)
    run.started = None  # logging below must not stamp times of its own
    run.steps_per_epoch = data.get("steps_per_epoch")
    epochs = data.get("epochs", [])
    times = data.get("times") or [None] * len(epochs)
    metrics = data.get("metrics", {})
    for name, column in metrics.items():
        if len(column) != len(epochs):
            raise ValueError(
                f"{source}: metric {name!r} has {len(column)} values for {len(epochs)} epochs"
            )
    for i, epoch in enumerate(epochs):
        values = {
            name: _in(column[i], f"{source}: metric {name!r} at epoch {epoch}")
            for name, column in metrics.items()
        }
        run.log_values(values, int(epoch), time=times[i])
    batches = data.get("batches") or {}
    for i, (epoch, step) in enumerate(
        zip(batches.get("epoch", []), batches.get("step", []))
    ):
        values = {
            name: _in(col[i], f"{source}: batch metric {name!r} at row {i}")
            for name, col in batches.get("metrics", {}).items()
        }
        run.log_batch(step=step, epoch=epoch, **values)
    for i, found in enumerate(data.get("distributions") or []):
        try:
            distribution = Distribution.from_payload(found, first=0)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise ValueError(
                f"{source}: distribution {i} is malformed ({error!r})"
            ) from None
        run.distributions[distribution.name] = distribution
    run.events = [dict(e) for e in data.get("events", [])]
    run.started = data.get("started")
    run.status = status
    run.ended = data.get("ended")
    return run


def _paths(
    path: str | os.PathLike[str], storage_options: dict[str, Any] | None
) -> list[Path]:
    """Local paths to read: the path itself, the files a glob pattern
    matches (sorted), a local copy of a remote log (``s3://...``), or the
    file of an MLflow ``sqlite:///`` store."""
    from . import remote

    text = os.fspath(path)
    if remote.is_remote(text):
        urls = remote.glob(text, storage_options) if glob.has_magic(text) else [text]
        if not urls:
            raise FileNotFoundError(f"{text}: no file matches")
        return [remote.localize(url, storage_options) for url in urls]
    if text.startswith("sqlite:///"):
        from .readers.mlflow import store_path

        return [store_path(text) or Path(text)]
    if not os.path.exists(text) and glob.has_magic(text):
        matches = sorted(glob.glob(os.path.expanduser(text), recursive=True))
        if not matches:
            raise FileNotFoundError(f"{text}: no file or folder matches")
        return [Path(m) for m in matches]
    return [Path(text)]


def is_path(text: str) -> bool:
    """Whether ``text`` names a log rather than a run: an existing file or
    folder, a glob that matches one, or a URL."""
    from . import remote

    if remote.is_remote(text) or text.startswith("sqlite:///"):
        return True
    expanded = os.path.expanduser(text)
    if os.path.exists(expanded):
        return True
    return glob.has_magic(text) and bool(glob.glob(expanded, recursive=True))


def load_all(
    path: str | os.PathLike[str], *, storage_options: dict[str, Any] | None = None
) -> list[Run]:
    """Every run in a log file, a folder of logs, or the files a glob
    pattern (``"runs/*.csv"``) matches, in order.

    Files are recognised by content, not by name (see the README's table):
    traincurves run files and JSON Lines, CSV logs, JSON histories,
    Lightning ``metrics.csv``, Hugging Face ``trainer_state.json``,
    TensorBoard logdirs, MLflow stores; local, or remote through fsspec
    (``storage_options`` are fsspec's). A file holding several runs one
    after another (its epoch goes back) gives one run each, named
    ``name #1``, ``name #2``, ...; a folder gives the runs of every log in
    it.
    """
    from .readers import read_any

    found = [
        (one, run) for one in _paths(path, storage_options) for run in read_any(one)
    ]
    names = [run.name for _, run in found]
    for one, run in found:
        if names.count(run.name) > 1:  # runs are told apart by name
            run.name = f"{one}: {run.name}"
    return [run for _, run in found]


def load(
    path: str | os.PathLike[str], *, storage_options: dict[str, Any] | None = None
) -> Run:
    """The run in a log file or folder (see :func:`load_all` for what is
    read). A source holding several runs is a ``LoadError`` that names them:
    ``tc.load_all(path)`` returns them all as a list."""
    runs = load_all(path, storage_options=storage_options)
    if len(runs) == 1:
        return runs[0]
    shown = ", ".join(repr(run.name) for run in runs[:4])
    more = f" and {len(runs) - 4} more" if len(runs) > 4 else ""
    raise LoadError(
        os.fspath(path),
        f"holds {len(runs)} runs ({shown}{more}); "
        "tc.load_all(path) returns them as a list",
    )
