"""Runs as JSON Lines, for training that runs elsewhere (a cluster job, a
distributed run) and is watched from a notebook.

One JSON object per line, appended whole and flushed per record, so a reader
never takes half a record for data. Record format, version 1::

    {"type": "start", "version": 1, "run": "baseline", "id": "3f2a...",
     "params": {"lr": 0.001}, "total_epochs": 30, "steps_per_epoch": 42,
     "time": 1764213000.5}                       # unix time of the start
    {"type": "epoch", "epoch": 0, "time": 1.2,    # seconds since the start
     "metrics": {"loss": 0.9, "val_loss": "nan"}}
    {"type": "batch", "epoch": 0, "step": 3, "metrics": {"loss": 1.1}}
    {"type": "event", "kind": "early_stop", "epoch": 17, "best_epoch": 12}
    {"type": "distribution", "name": "dense_1", "kind": "activations",
     "epoch": 0, "size": 16384, "zeros": 0.12, "nonfinite": 0.0,
     "quantiles": [min, p5, p25, p50, p75, p95, max] | null,
     "low": -1.5, "high": 3.2, "counts": [3, 9, ...]}   # a layer's summary
    {"type": "end", "status": "finished", "time": 42.0}

Epochs are 0-based as logged; NaN and infinities are the strings "nan",
"inf", "-inf" (standard JSON). A process that exits while its run is still
going writes the ``end`` record on its way out (``failed`` / ``interrupted``
after an uncaught exception or Ctrl-C): see :func:`end_at_exit`.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import sys
import warnings
import weakref
from pathlib import Path
from typing import Any

from .followers import Follower, Values
from .kernel import shell
from .layers import KINDS, Summary
from .run import STATUSES, Run

VERSION = 1
_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def global_rank() -> int:
    """This process's rank in a distributed run (0 when not distributed)."""
    for variable in ("RANK", "SLURM_PROCID"):
        value = os.environ.get(variable)
        if value not in (None, ""):
            try:
                return int(value)
            except ValueError:
                pass
    try:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return int(dist.get_rank())
    except ImportError:
        pass
    return 0


def rank_path(path: Path, rank: int) -> Path:
    """``runs/a.jsonl`` for rank 2 is ``runs/a.rank2.jsonl``."""
    return path.with_name(f"{path.stem}.rank{rank}{path.suffix}")


def _out(values: dict[str, float | None]) -> dict[str, Any]:
    def one(v: float | None) -> float | str | None:
        if v is None or math.isfinite(v):
            return v
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")

    return {k: one(v) for k, v in values.items()}


class RunWriter(Follower):
    """Appends a run's records to a JSON Lines file as they happen: it
    follows the run (``run.log_to``), from ``start`` to the end record.

    By default only global rank 0 writes; ``per_rank=True`` gives every rank
    its own file (``{stem}.rank{N}.jsonl``).
    """

    def __init__(self, path: str | os.PathLike[str], per_rank: bool = False) -> None:
        rank = global_rank()
        path = Path(path)
        self.path: Path | None = None
        if per_rank:
            self.path = rank_path(path, rank)
        elif rank == 0:
            self.path = path
        self._file = None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            return
        # One write call of one whole line, flushed: readers see whole records.
        self._file.write(json.dumps(record, allow_nan=False) + "\n")
        self._file.flush()

    def start(self, run: Run) -> None:
        self.write(
            {
                "type": "start",
                "version": VERSION,
                "run": run.name,
                "id": run.id,
                "params": dict(run.params),
                "total_epochs": run.total_epochs,
                "steps_per_epoch": run.steps_per_epoch,
                "time": run.started,
            }
        )

    def epoch(self, run: Run, epoch: int, time: float | None, values: Values) -> None:
        self.write(
            {"type": "epoch", "epoch": epoch, "time": time, "metrics": _out(values)}
        )

    def batch(self, run: Run, epoch: int, step: int, values: Values) -> None:
        # Records carry their epoch and step: the reader puts them back in
        # their place whatever comes between.
        self.write(
            {"type": "batch", "epoch": epoch, "step": step, "metrics": _out(values)}
        )

    def distribution(
        self, run: Run, name: str, kind: str, epoch: int, summary: Summary
    ) -> None:
        self.write(
            {
                "type": "distribution",
                "name": name,
                "kind": kind,
                "epoch": epoch,
                "size": summary.size,
                "zeros": summary.zeros,
                "nonfinite": summary.nonfinite,
                "quantiles": summary.quantiles,
                "low": summary.low,
                "high": summary.high,
                "counts": list(summary.counts),
            }
        )

    def event(self, run: Run, event: dict[str, Any]) -> None:
        self.write({"type": "event", **event})

    def ended(self, run: Run) -> None:
        self.write({"type": "end", "status": run.status, "time": run.elapsed})
        self.close()
        run.unfollow(self)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# Runs still writing a file when their process ends. A job that dies of an
# uncaught exception or Ctrl-C never reaches its callbacks' end: without this
# its file, and every panel watching it, would say "running" for ever.
_writing: weakref.WeakSet[Run] = weakref.WeakSet()
_uncaught: list[BaseException] = []


def end_at_exit(run: Run) -> None:
    """End ``run`` in its files if the process exits while it is running:
    ``failed`` / ``interrupted`` by an uncaught exception; in a kernel that
    shuts down, ``interrupted``; in a script that simply ends, ``finished``."""
    _hook_exit()
    _writing.add(run)


_hooked = False


def _hook_exit() -> None:
    global _hooked
    if _hooked:
        return
    _hooked = True
    previous = sys.excepthook

    def remember(kind: Any, error: BaseException, traceback: Any) -> None:
        _uncaught.append(error)
        previous(kind, error, traceback)

    sys.excepthook = remember
    atexit.register(_end_running)


def _end_running() -> None:
    in_kernel = getattr(shell(), "kernel", None) is not None
    for run in list(_writing):
        if run.status != "running":
            continue
        try:
            if _uncaught:
                run.end_with(_uncaught[-1])
            elif in_kernel:
                run.end_with(KeyboardInterrupt("the kernel shut down"))
            else:
                run.finish("finished")
        except Exception:
            pass  # the process is ending: nothing left to tell anyone


def _value(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, str):
        return _SPECIAL[v]
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    raise ValueError(f"{v!r} is not a number")


class RunReader:
    """Turns records into a Run, one line at a time; a bad line is skipped
    with a warning naming the file and line, and nothing else is lost."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.run = Run(Path(source).stem)
        self.run.started = None
        self.run.status = "running"
        self.line = 0

    def feed(self, text: str) -> None:
        self.line += 1
        if not text.strip():
            return
        try:
            record = json.loads(text)
            self._apply(record)
        except (ValueError, KeyError, TypeError) as error:
            warnings.warn(
                f"{self.source}, line {self.line}: skipped a record that cannot be "
                f"read ({error})",
                RuntimeWarning,
                stacklevel=2,
            )

    def _apply(self, record: dict[str, Any]) -> None:
        kind = record["type"]
        run = self.run
        if kind == "start":
            if record.get("version") != VERSION:
                raise ValueError(
                    f"record version {record.get('version')!r}, expected {VERSION}"
                )
            run.name = str(record.get("run") or run.name)
            run.id = str(record.get("id") or run.id)
            run.params = dict(record.get("params") or {})
            run.total_epochs = record.get("total_epochs")
            run.steps_per_epoch = record.get("steps_per_epoch")
        elif kind == "epoch":
            values = {k: _value(v) for k, v in record["metrics"].items()}
            run.log_values(values, int(record["epoch"]), time=record.get("time"))
        elif kind == "batch":
            values = {k: _value(v) for k, v in record["metrics"].items()}
            run.log_batch(
                step=int(record["step"]), epoch=int(record["epoch"]), **values
            )
        elif kind == "event":
            info = {
                k: v for k, v in record.items() if k not in ("type", "kind", "epoch")
            }
            run.add_event(str(record["kind"]), record.get("epoch"), **info)
        elif kind == "distribution":
            quantiles = record["quantiles"]
            summary = Summary(
                size=int(record["size"]),
                quantiles=None if quantiles is None else tuple(map(float, quantiles)),
                zeros=float(record["zeros"]),
                nonfinite=float(record["nonfinite"]),
                low=None if record["low"] is None else float(record["low"]),
                high=None if record["high"] is None else float(record["high"]),
                counts=tuple(int(c) for c in record["counts"]),
            )
            layer_kind = str(record.get("kind", "activations"))
            if layer_kind not in KINDS:
                raise ValueError(f"unknown distribution kind {layer_kind!r}")
            run.add_summary(
                str(record["name"]), layer_kind, int(record["epoch"]), summary
            )
        elif kind == "end":
            status = record.get("status", "finished")
            run.status = status if status in STATUSES else "finished"
        else:
            raise ValueError(f"unknown record type {kind!r}")


def load_jsonl(path: Path) -> Run:
    reader = RunReader(str(path))
    with path.open(encoding="utf-8") as handle:
        for text in handle:
            if not text.endswith("\n"):
                break  # a record still being written
            reader.feed(text)
    return reader.run
