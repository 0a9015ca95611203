"""A run's batch-level values, and the curves a panel shows of them.

Columnar: the epoch each batch was trained in (0-based), its step within
it, one column per metric. Keras runs async-safe batch hooks on a thread
pool: calls can race and arrive out of order, so they are serialised by
``lock`` and kept sorted. Read the columns, never change them.

Whoever adds a batch holds ``lock`` around :meth:`add` and whatever must
stay in step with it (the Run: its followers' records); :meth:`curves`
takes it to read. It is taken once per batch, not twice: batch hooks run
thousands of times an epoch.

A batch at step s of epoch e (0-based) of n steps is drawn at e + (s+1)/n,
so the last batch of an epoch sits on that epoch's point (shown as e+1).
Above a byte budget the curves are reduced by a :class:`BucketReducer` kept
between live updates, and the rows shown at the last update are kept in
their payload form, so that an update encodes only what is new.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from .downsample import BucketReducer
from .values import compact

# However tight the budget, a batch curve keeps this many points.
MIN_BATCH_POINTS = 300


class Curves(NamedTuple):
    """The batch curves as shown: x (fractional epochs), values per metric
    (payload form), and how many batches there are in all."""

    x: list[float]
    metrics: dict[str, list[float | None]]
    count: int


class BatchTable:
    def __init__(self) -> None:
        self.epochs: list[int] = []
        self.steps: list[int] = []
        self.values: dict[str, list[float | None]] = {}
        self.lock = threading.Lock()
        # Steps seen per epoch: the x position of a batch when
        # steps_per_epoch is unknown.
        self._steps_seen: dict[int, int] = {}
        self._reducer = BucketReducer()
        # The payload form of the rows shown at the last update:
        # (reducer generation, rows, their JSON size).
        self._shown: tuple[int, list[tuple], int] | None = None

    def __len__(self) -> int:
        return len(self.epochs)

    def next_step(self, epoch: int) -> int:
        """The step after the last one logged, if that was in ``epoch``."""
        same = self.epochs and self.epochs[-1] == epoch
        return self.steps[-1] + 1 if same else 0

    def add(self, epoch: int, step: int, values: Mapping[str, float | None]) -> None:
        """Put a batch's values in their place, by (epoch, step); the caller
        holds ``lock``."""
        count = len(self.epochs)
        row = count
        if count and (epoch, step) < (self.epochs[-1], self.steps[-1]):
            keys = list(zip(self.epochs, self.steps))
            row = bisect.bisect_right(keys, (epoch, step))
            self._reducer.invalidate(row)
        if step + 1 > self._steps_seen.get(epoch, 0):
            self._steps_seen[epoch] = step + 1
        self.epochs.insert(row, epoch)
        self.steps.insert(row, step)
        for name, value in values.items():
            column = self.values.get(name)
            if column is None:
                column = self.values[name] = [None] * count
            column.insert(row, value)
        for column in self.values.values():
            if len(column) == count:
                column.insert(row, None)

    def rows(self) -> Iterator[tuple[int, int, dict[str, float | None]]]:
        """(epoch, step, values) per batch, in order; every metric, None included."""
        for i, (epoch, step) in enumerate(zip(self.epochs, self.steps)):
            yield epoch, step, {k: col[i] for k, col in self.values.items()}

    def curves(
        self, steps_per_epoch: int | None, max_bytes: float | None = None
    ) -> Curves | None:
        """The curves, reduced to about ``max_bytes`` of JSON (all of the
        points when None); None without batches."""
        with self.lock:  # a Keras worker thread may be inserting
            count = len(self.epochs)
            if count == 0:
                return None
            if max_bytes is None:
                rows = [self._row(i, steps_per_epoch)[0] for i in range(count)]
            else:
                reducer = self._reducer
                limit = max(MIN_BATCH_POINTS, int(max_bytes / reducer.row_bytes))
                rows, size = self._reduced(limit, steps_per_epoch)
                for _ in range(4):
                    if size <= max_bytes or limit == MIN_BATCH_POINTS:
                        break
                    # Longer numbers than estimated: again, with what they
                    # cost (bucket widths are powers of two, so a step can
                    # change nothing).
                    limit = max(MIN_BATCH_POINTS, int(limit * max_bytes / size * 0.9))
                    rows, size = self._reduced(limit, steps_per_epoch)
                reducer.row_bytes = size / len(rows)
            names = list(self.values)
            return Curves(
                [row[0] for row in rows],
                {name: [row[c + 1] for row in rows] for c, name in enumerate(names)},
                count,
            )

    def _reduced(
        self, limit: int, steps_per_epoch: int | None
    ) -> tuple[list[tuple], int]:
        """The rows shown at about ``limit`` rows, and their size in JSON.

        Rows the reducer reports stable keep the form they were given at the
        last update, unless they are in the epoch being trained, whose batch
        positions still move as its steps are counted.
        """
        reducer = self._reducer
        keep = reducer.indices(list(self.values), list(self.values.values()), limit)
        made: list[tuple] = []
        made_size = 0
        cache = self._shown
        if cache is not None and cache[0] == reducer.generation:
            made, made_size = list(cache[1]), cache[2]
        last_epoch = self.epochs[-1]
        final = reducer.stable
        if not steps_per_epoch:
            while final > len(made) and self.epochs[keep[final - 1]] >= last_epoch:
                final -= 1
        rows, size = made, made_size
        for position in range(len(made), len(keep)):
            if position == final:
                self._shown = (reducer.generation, list(rows), size)
            row, cost = self._row(keep[position], steps_per_epoch)
            rows.append(row)
            size += cost
        if final == len(keep):
            self._shown = (reducer.generation, list(rows), size)
        return rows, size

    def _row(self, i: int, steps_per_epoch: int | None) -> tuple[tuple[Any, ...], int]:
        """Row ``i`` as written: (x, value per metric), and its JSON size."""
        epoch = self.epochs[i]
        steps = self._steps_seen
        n = steps_per_epoch or max(steps[epoch], steps.get(epoch - 1, 0))
        row = (
            round(epoch + (self.steps[i] + 1) / n, 6),
            *(compact(column[i]) for column in self.values.values()),
        )
        # Each number and its comma; None is written as null.
        return row, sum(5 if v is None else len(repr(v)) + 1 for v in row)
