"""A log as a table of rows, turned into runs.

CSV logs, Lightning's ``metrics.csv`` and JSON lists of per-epoch records
all end up as rows of named cells (numbers, ``None``, text). How those rows
become runs is decided here, once:

- The x column is ``epoch`` (whole numbers; from 1 when no run of the file
  has an epoch 0), else a step column (``step``, ``iteration``, ...; each
  distinct step is one point), else the row order.
- Where the epoch (or step) goes back, or the header comes again, a new run
  starts: runs are named ``name #1``, ``name #2``, ...
- Rows of the same epoch merge. A metric with several values in one epoch
  (Lightning's step rows, a per-batch log) is a batch curve; its epoch value
  is its ``*_epoch`` twin when there is one, else the mean of the epoch's
  batches, as Keras reports it. ``*_step`` / ``*_epoch`` suffixes go.
- A text column whose values are split names (``phase``: train / val /
  test) names the split of its row's metrics (``loss`` -> ``val_loss``).
  A text column that stays the same in a run becomes a param; any other is
  left out, with one note. A column mostly of numbers keeps its numbers and
  notes the cells that are not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..run import Run
from .base import LoadError
from .text import is_whole, vector

Cell = float | str | None

EPOCH_NAMES = (
    "epoch",
    "epochs",
    "ep",
    "epoch_num",
    "epoch_idx",
    "epoch_number",
    "epoch_no",
    "epoch_index",
    # reinforcement learning logs a row per episode
    "episode",
    "episodes",
    "episode_num",
    "episode_idx",
)
STEP_NAMES = (
    "step",
    "steps",
    "global_step",
    "iteration",
    "iterations",
    "iter",
    # reinforcement learning counts environment steps
    "timestep",
    "timesteps",
    "total_timesteps",
    "env_steps",
    "agent_steps",
    "total_steps",
)
# A phase's name -> the prefix its metrics take (a `phase` column, JSON
# records kept per phase).
SPLIT_PREFIXES = {
    "train": "",
    "training": "",
    "val": "val_",
    "valid": "val_",
    "validation": "val_",
    "dev": "val_",
    "eval": "val_",
    "test": "test_",
}


@dataclass
class Table:
    """Rows of a log: one list of cells per column, aligned."""

    source: Path
    columns: dict[str, list[Cell]]
    lines: list[int | None]  # the file line of each row, where known
    breaks: set[int] = field(default_factory=set)  # rows that start a run
    notes: list[str] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)  # of every run

    def __len__(self) -> int:
        return len(self.lines)


def _where(line: int | None) -> str:
    return f"line {line}" if line is not None else "a row"


def _vectors_spread(columns: dict[str, list[Cell]]) -> dict[str, list[Cell]]:
    """A column whose every cell is a list of k numbers becomes k columns,
    ``f1_score_0`` ... (one per class): drawn as one chart of members."""
    out: dict[str, list[Cell]] = {}
    for name, cells in columns.items():
        found = [vector(c) if isinstance(c, str) else None for c in cells]
        sizes = {len(v) for v in found if v is not None}
        spread = len(sizes) == 1 and all(
            v is not None or c is None for v, c in zip(found, cells)
        )
        if not spread:
            out[name] = cells
            continue
        for j in range(sizes.pop()):
            out[f"{name}_{j}"] = [None if v is None else v[j] for v in found]
    return out


def _classify(table: Table) -> tuple[dict[str, list[float | None]], dict[str, list]]:
    """Columns of numbers and columns of text; stray text in a column of
    numbers is noted and left out."""
    numbers: dict[str, list[float | None]] = {}
    texts: dict[str, list[Cell]] = {}
    for name, cells in _vectors_spread(table.columns).items():
        bad = [(i, c) for i, c in enumerate(cells) if isinstance(c, str)]
        count = sum(isinstance(c, float) for c in cells)
        if not bad:
            numbers[name] = list(cells)  # type: ignore[arg-type]
        elif count >= len(bad):
            shown = ", ".join(
                f"{_where(table.lines[i])}: {c!r}" for i, c in bad[:3]
            ) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
            table.notes.append(
                f"cells of column {name!r} that are not numbers ({shown})"
            )
            numbers[name] = [None if isinstance(c, str) else c for c in cells]
        else:
            texts[name] = cells
    return numbers, texts


def _axis(name: str) -> str:
    """A header as the axis names spell it: "Epoch Number" -> epoch_number."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _key_column(
    table: Table, numbers: dict[str, list[float | None]]
) -> tuple[str | None, str | None]:
    """(name of the x column, "epoch" | "step"), or (None, None): row order."""
    for kind, names in (("epoch", EPOCH_NAMES), ("step", STEP_NAMES)):
        for name in numbers:
            if _axis(name) not in names:
                continue
            values = [v for v in numbers[name] if v is not None]
            if values and all(is_whole(v) and v >= 0 for v in values):
                return name, kind
            if values:
                table.notes.append(
                    f"the {name!r} column as x (it holds values that are not "
                    "whole numbers >= 0); rows are numbered in order"
                )
    return None, None


def _indexes(
    name: str, column: list[float | None], key: list[float | None] | None
) -> bool:
    """Whether a column named as a step count places rows (and is no curve):
    ``step`` and ``global_step`` always do (Lightning's, the Trainer's,
    a step within its epoch); other spellings when they count up."""
    axis = _axis(name)
    if axis not in STEP_NAMES:
        return False
    return axis in ("step", "global_step") or _counts(column, key)


def _counts(column: list[float | None], key: list[float | None] | None) -> bool:
    """Whether a column counts up (a step or epoch counter): on the rows
    that have an x, it goes back only where the x does (a new run). (Rows
    without one, as Lightning's validation steps, count on their own.)"""
    last = last_key = None
    for i, value in enumerate(column):
        k = key[i] if key is not None else 0.0
        if value is None or k is None:
            continue
        restart = last_key is not None and k < last_key
        if last is not None and value < last and not restart:
            return False
        last, last_key = value, k
    return True


def _keys(column: list[float | None]) -> list[int]:
    """The x of each row; a row without one belongs with the row before."""
    keys, last = [], 0
    for value in column:
        if value is not None:
            last = int(value)
        keys.append(last)
    return keys


def _segments(keys: list[int], breaks: set[int], count: int) -> list[range]:
    """Row ranges of the runs one after another in the table."""
    starts = [0]
    for i in range(1, count):
        if i in breaks or (keys and keys[i] < keys[i - 1]):
            starts.append(i)
    return [range(a, b) for a, b in zip(starts, [*starts[1:], count]) if b > a]


def _split_column(texts: dict[str, list[Cell]]) -> str | None:
    for name, cells in texts.items():
        words = {c.strip().lower() for c in cells if isinstance(c, str)}
        if words and words <= SPLIT_PREFIXES.keys() and len(words) > 1:
            return name
    return None


def runs_from_table(
    table: Table, name: str, params: dict[str, object] | None = None
) -> list[Run]:
    """Every run the table holds (see the module docstring); notes go to
    ``table.notes`` for the reader to report once."""
    if not len(table):
        raise LoadError(table.source, "no rows of values")
    numbers, texts = _classify(table)
    key, kind = _key_column(table, numbers)
    keyed = numbers[key] if key is not None else None
    steps_name = None
    if kind == "epoch":
        for candidate in numbers:
            if candidate != key and _indexes(candidate, numbers[candidate], keyed):
                steps_name = candidate
                break
    split = _split_column(texts)
    # x columns not used as x (fractional epochs, a second step count) are
    # no curves either; a "steps" column that goes up and down (an
    # episode's length) is one.
    metrics = [
        n
        for n in numbers
        if n != key
        and _axis(n) not in EPOCH_NAMES
        and not _indexes(n, numbers[n], keyed)
    ]
    if not metrics:
        raise LoadError(
            table.source,
            "no column of numbers to draw (columns: "
            + ", ".join(map(repr, table.columns))
            + ")",
        )
    keys = _keys(numbers[key]) if key is not None else []
    segments = _segments(keys, table.breaks, len(table))
    if kind == "epoch" and keys[0] == 1 and 0 not in keys:  # counted from 1
        keys = [k - 1 for k in keys]
    left_out: set[str] = set()
    runs = []
    for number, rows in enumerate(segments, start=1):
        run_params = {**table.params, **(params or {})}
        for text_name, cells in texts.items():
            if text_name == split:
                continue
            found = {c for c in (cells[i] for i in rows) if c is not None}
            if len(found) == 1:
                run_params[text_name] = found.pop()
            elif found:
                left_out.add(text_name)
        run = _build(
            table,
            rows,
            keys,
            kind,
            metrics,
            numbers,
            numbers.get(steps_name) if steps_name else None,
            texts.get(split) if split else None,
        )
        run.name = name if len(segments) == 1 else f"{name} #{number}"
        run.params.update(run_params)
        runs.append(run)
    if left_out:
        table.notes.append(
            "text columns that change from row to row: "
            + ", ".join(map(repr, sorted(left_out)))
        )
    return runs


def _build(
    table: Table,
    rows: range,
    keys: list[int],
    kind: str | None,
    metrics: list[str],
    numbers: dict[str, list[float | None]],
    global_steps: list[float | None] | None,
    splits: list[Cell] | None,
) -> Run:
    # x of each row: epochs as they are; distinct steps, and rows without an
    # x column, numbered in order.
    if kind == "epoch":
        xs = [keys[i] for i in rows]
    elif kind == "step":
        order = {k: n for n, k in enumerate(sorted({keys[i] for i in rows}))}
        xs = [order[keys[i]] for i in rows]
    else:
        xs = list(range(len(rows)))
    # (metric, epoch) -> [(row, value)]
    found: dict[str, dict[int, list[tuple[int, float]]]] = {}
    for x, i in zip(xs, rows):
        prefix = ""
        if splits is not None and isinstance(splits[i], str):
            prefix = SPLIT_PREFIXES.get(splits[i].strip().lower(), "")
        for metric in metrics:
            value = numbers[metric][i]
            if value is None:
                continue
            named = prefix + metric if prefix else metric
            found.setdefault(named, {}).setdefault(x, []).append((i, value))

    def bare(metric: str, suffix: str) -> str:
        """The name without Lightning's _step / _epoch suffix; a rate
        ("sec_per_step") keeps its own."""
        if metric.endswith("_per" + suffix):
            return metric
        return metric.removesuffix(suffix)

    batch_names = {
        m
        for m, per in found.items()
        if bare(m, "_step") != m or any(len(v) > 1 for v in per.values())
    }
    epoch_values: dict[int, dict[str, float | None]] = {}
    for metric, per in found.items():
        if metric in batch_names:
            continue
        for x, values in per.items():
            epoch_values.setdefault(x, {})[bare(metric, "_epoch")] = values[-1][1]
    batch_rows: dict[tuple[int, int], dict[str, float]] = {}
    step_of = _batch_steps(rows, xs, global_steps, found, batch_names)
    for metric in batch_names:
        short = bare(metric, "_step")
        if short in ("epoch", "step"):  # log_batch's own keywords
            short = metric
        for x, values in found[metric].items():
            for i, value in values:
                batch_rows.setdefault((x, step_of[i]), {})[short] = value
            if short not in epoch_values.get(x, {}):
                mean = math.fsum(v for _, v in values) / len(values)
                epoch_values.setdefault(x, {})[short] = mean
    run = Run("run")
    run.started = None  # read after the fact: no timing
    for x in sorted(epoch_values):
        run.log_values(epoch_values[x], x)
    for (x, step), values in sorted(batch_rows.items()):
        run.log_batch(step=step, epoch=x, **values)
    run.steps_per_epoch = _steps_per_epoch(rows, xs, global_steps)
    if run.epochs:
        run.total_epochs = run.epochs[-1] + 1
    run.finish("finished")
    return run


def _batch_steps(
    rows: range,
    xs: list[int],
    global_steps: list[float | None] | None,
    found: dict[str, dict[int, list[tuple[int, float]]]],
    batch_names: set[str],
) -> dict[int, int]:
    """The step within its epoch of each row holding batch values."""
    batch_rows = sorted(
        {i for m in batch_names for values in found[m].values() for i, _ in values}
    )
    x_of = dict(zip(rows, xs))
    steps: dict[int, int] = {}
    if global_steps is not None and all(
        global_steps[i] is not None for i in batch_rows
    ):
        # An epoch's steps count from the step after the previous epoch's last.
        last: dict[int, int] = {}
        first: dict[int, int] = {}
        for i in rows:
            value = global_steps[i]
            if value is not None:
                last[x_of[i]] = max(last.get(x_of[i], 0), int(value))
                first[x_of[i]] = min(first.get(x_of[i], int(value)), int(value))
        base, highest = {}, -1
        for x in sorted(last):
            base[x] = highest + 1
            highest = max(highest, last[x])
        order = sorted(last)
        if order[1:] and all(first[b] <= first[a] for a, b in zip(order, order[1:])):
            # each epoch starts where the one before started: a step counted
            # within its epoch
            base = dict.fromkeys(order, 0)
        for i in batch_rows:
            steps[i] = max(0, int(global_steps[i]) - base[x_of[i]])  # type: ignore[arg-type]
        return steps
    counter: Counter[int] = Counter()
    for i in batch_rows:
        steps[i] = counter[x_of[i]]
        counter[x_of[i]] += 1
    return steps


def _steps_per_epoch(
    rows: range, xs: list[int], global_steps: list[float | None] | None
) -> int | None:
    """The optimizer steps of an epoch, when the file's steps say so evenly."""
    if global_steps is None:
        return None
    last: dict[int, int] = {}
    for x, i in zip(xs, rows):
        value = global_steps[i]
        if value is not None:
            last[x] = max(last.get(x, 0), int(value))
    epochs = sorted(last)
    gaps = {
        (last[b] - last[a]) // (b - a)
        for a, b in zip(epochs, epochs[1:])
        if (last[b] - last[a]) % (b - a) == 0
    }
    if len(gaps) == 1 and len(epochs) > 2:
        gap = gaps.pop()
        return gap if gap > 0 else None
    return None
