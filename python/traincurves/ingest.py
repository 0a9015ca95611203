"""Build a Run from what training libraries hand back.

Keras' ``History.history`` lists can be uneven: with ``validation_freq=k``,
``val_*`` lists hold one value per k epochs. Those values belong to epochs
k-1, 2k-1, ... (0-based), so they are placed there rather than at the start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from .run import Run
from .values import describe, to_float

_ACCEPTED = (
    "a traincurves.Run, a Keras History, a mapping of metric name to a "
    "sequence of numbers (such as History.history), or the path of a log"
)


def as_run(obj: Any, name: str | None = None) -> Run:
    """Whatever ``tc.show`` accepts, as a Run."""
    if isinstance(obj, Run):
        if name is not None:
            obj.name = name
        return obj
    if isinstance(obj, (str, os.PathLike)):
        from .files import load

        run = load(obj)
        if name is not None:
            run.name = name
        return run
    return run_from_history(obj, name)


def as_runs(obj: Any, name: str | None = None) -> list[Run]:
    """:func:`as_run`, where a path may hold several runs (a folder, a glob,
    a file of runs one after another): all of them, ``name #1``, ... when
    ``name`` is given."""
    if not isinstance(obj, (str, os.PathLike)):
        return [as_run(obj, name)]
    from .files import load_all

    runs = load_all(obj)
    if name is not None:
        for number, run in enumerate(runs, start=1):
            run.name = name if len(runs) == 1 else f"{name} #{number}"
    return runs


def run_from_history(history: Any, name: str | None = None) -> Run:
    epochs: list[int] | None = None
    if _is_keras_history(history):
        epochs = [int(e) for e in getattr(history, "epoch", [])] or None
        history = history.history
    elif hasattr(history, "to_dict") and hasattr(history, "columns"):
        history = history.to_dict(orient="list")  # a pandas DataFrame
    if not isinstance(history, Mapping):
        raise TypeError(
            f"cannot read a training history from {describe(history)}; "
            f"expected {_ACCEPTED}"
        )
    columns = _columns(history)
    if "epoch" in columns and epochs is None:
        epochs = _epoch_column(columns.pop("epoch"))
    if not columns:
        raise ValueError("the history is empty: it holds no metrics")
    length = max(len(values) for values in columns.values())
    if length == 0:
        raise ValueError(
            "the history holds no values: every metric list is empty "
            f"({', '.join(map(repr, columns))})"
        )
    if epochs is None:
        epochs = list(range(length))
    elif len(epochs) != length:
        raise ValueError(
            f"the history lists {len(epochs)} epochs but its longest metric has "
            f"{length} values"
        )
    run = Run(name or "run", total_epochs=len(epochs))
    run.started = None  # read after the fact: no timing
    for metric, values in columns.items():
        rows = _rows_for(metric, len(values), length)
        for row, value in zip(rows, values):
            run.log_values({metric: value}, epochs[row])
    run.finish("finished")
    return run


def _is_keras_history(obj: Any) -> bool:
    return (
        isinstance(getattr(obj, "history", None), Mapping)
        and hasattr(obj, "epoch")
        and type(obj).__name__ == "History"
    )


def _columns(history: Mapping[Any, Any]) -> dict[str, list[float | None]]:
    columns: dict[str, list[float | None]] = {}
    for metric, values in history.items():
        if not isinstance(metric, str):
            raise TypeError(f"metric names must be strings, got {describe(metric)}")
        if isinstance(values, (str, bytes, Mapping)) or not _is_sequence(values):
            raise TypeError(
                f"metric {metric!r} must be a sequence of numbers (one per epoch), "
                f"got {describe(values)}"
            )
        columns[metric] = [
            to_float(value, metric, f"value at index {i}")
            for i, value in enumerate(values)
        ]
    return columns


def _is_sequence(values: Any) -> bool:
    if isinstance(values, Sequence):
        return True
    ndim = getattr(values, "ndim", None)
    if ndim is not None:  # numpy arrays, tensors, pandas Series
        if ndim != 1:
            return False
        return True
    return False


def _epoch_column(values: list[float | None]) -> list[int]:
    epochs = []
    for i, value in enumerate(values):
        if value is None or value != int(value) or value < 0:
            raise ValueError(
                f"the 'epoch' column at index {i} is {value!r}; "
                "expected a whole number >= 0"
            )
        epochs.append(int(value))
    if len(set(epochs)) != len(epochs):
        raise ValueError("the 'epoch' column repeats an epoch")
    return epochs


def _rows_for(metric: str, count: int, length: int) -> range:
    """Which epochs a metric with ``count`` of ``length`` values belongs to."""
    if count == length or count == 0:
        return range(count)
    every = length // count
    if length // every != count:
        raise ValueError(
            f"metric {metric!r} has {count} values for {length} epochs, which "
            "does not match a validation frequency; log it with "
            "Run.log(epoch=..., ...) to say which epochs the values belong to"
        )
    return range(every - 1, every * count, every)
