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
file is standard JSON that any tool reads. ``tc.load`` also reads a Keras
``History.history`` dict saved as JSON and a Keras ``CSVLogger`` file.
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path
from typing import Any

from .layers import Distribution
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


def _csv_run(path: Path) -> Run:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise ValueError(f"{path} is empty: expected a Keras CSVLogger file")
    header = [h.strip() for h in rows[0]]
    if not header or "" in header:
        raise ValueError(f"{path}, line 1: the header has an empty column name")
    columns: dict[str, list[float | None]] = {name: [] for name in header}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise ValueError(
                f"{path}, line {number}: expected {len(header)} fields "
                f"({', '.join(header)}), got {len(row)}"
            )
        for name, cell in zip(header, row):
            cell = cell.strip()
            if cell == "":
                columns[name].append(None)
                continue
            try:
                columns[name].append(float(cell))
            except ValueError:
                raise ValueError(
                    f"{path}, line {number}, column {name!r}: {cell!r} is not a number"
                ) from None
    from .ingest import run_from_history

    return run_from_history(columns, name=path.stem)


def load(path: str | os.PathLike[str]) -> Run:
    """A Run from a traincurves run file, a Keras ``History.history`` JSON dict,
    or a Keras ``CSVLogger`` CSV file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_run(path)
    if suffix == ".jsonl":
        from .jsonl import load_jsonl

        return load_jsonl(path)
    if suffix == ".json":
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} is not valid JSON (line {error.lineno}: {error.msg})"
            ) from None
        if isinstance(data, dict) and data.get("format") == FORMAT:
            return run_from_dict(data, str(path))
        if isinstance(data, dict):
            from .ingest import run_from_history

            return run_from_history(data, name=path.stem)
        raise ValueError(
            f"{path} holds JSON {type(data).__name__}; expected a traincurves run "
            "or a History.history dict of metric lists"
        )
    raise ValueError(
        f"cannot read {path}: expected a traincurves run (.json or JSON Lines "
        ".jsonl), a Keras History.history dict (.json) or a Keras CSVLogger "
        "file (.csv)"
    )
