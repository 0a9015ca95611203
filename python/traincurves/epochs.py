"""A run's per-epoch values: the table every curve, best value and finding
is read from.

Rows are epochs (0-based, ascending); a row logged again merges into it,
so train and validation values may arrive in separate calls. Each value's
payload form is computed once, when it is logged, so that re-sending a long
history does not re-encode it every update.

Read the columns (``epochs``, ``times``, ``values`` and their ``compact``
forms), never change them: :meth:`set` keeps them aligned and the
statistics and reduction kept beside them valid. The Run that owns the table
holds its lock while it changes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from typing import Optional

from .downsample import BucketReducer
from .stats import MetricStats
from .values import compact

Column = list[Optional[float]]


class EpochTable:
    def __init__(self) -> None:
        self.epochs: list[int] = []
        self.times: Column = []  # seconds since the start; None: untimed
        self.values: dict[str, Column] = {}  # aligned with epochs; None: not logged
        self.compact_times: Column = []  # as in the payload
        self.compact: dict[str, Column] = {}
        # Bumped when values change: what is computed from them is cached
        # against it.
        self.version = 0
        self._stats = MetricStats()  # best values, non-finite epochs
        self._stats_version = -1
        # Rows of live updates of very long panels (see shown_rows).
        self._reducer = BucketReducer()

    def __len__(self) -> int:
        return len(self.epochs)

    @property
    def next_epoch(self) -> int:
        """The epoch after the last one logged: the one being trained."""
        return self.epochs[-1] + 1 if self.epochs else 0

    def set(
        self, epoch: int, values: Mapping[str, float | None], time: float | None
    ) -> None:
        """Put ``values`` and ``time`` in ``epoch``'s row, made if new."""
        row = self._row(epoch)
        self._stats.changed(row)
        self._reducer.invalidate(row)
        for name, value in values.items():
            if name not in self.values:
                self.values[name] = [None] * len(self.epochs)
                self.compact[name] = [None] * len(self.epochs)
            self.values[name][row] = value
            self.compact[name][row] = compact(value)
        self.times[row] = time
        self.compact_times[row] = None if time is None else round(time, 3)
        self.version += 1

    def _row(self, epoch: int) -> int:
        row = bisect.bisect_left(self.epochs, epoch)
        if row < len(self.epochs) and self.epochs[row] == epoch:
            return row
        self.epochs.insert(row, epoch)
        self.times.insert(row, None)
        self.compact_times.insert(row, None)
        for column in (*self.values.values(), *self.compact.values()):
            column.insert(row, None)
        return row

    def rows(self) -> Iterator[tuple[int, float | None, dict[str, float | None]]]:
        """(epoch, time, values) per row; the values of every metric, None
        included, in the order the metrics came."""
        for i, epoch in enumerate(self.epochs):
            yield epoch, self.times[i], {k: col[i] for k, col in self.values.items()}

    def _fresh_stats(self) -> MetricStats:
        if self._stats_version != self.version:
            self._stats.update(self.values)
            self._stats_version = self.version
        return self._stats

    def best_row(self, metric: str) -> int | None:
        """The row of ``metric``'s best finite value, by its direction."""
        rows = self._fresh_stats().best_row.get(metric)
        return rows[-1] if rows else None

    def nonfinite(self) -> dict[str, list[tuple[int, str]]]:
        """Where NaN/inf were logged: metric -> [(epoch, "nan"|"inf"|"-inf")]."""
        return {
            name: [(self.epochs[row], kind) for row, kind in found]
            for name, found in self._fresh_stats().bad.items()
            if found
        }

    def shown_rows(self, limit: int | None) -> list[int] | None:
        """The rows a live update shows when there are more than ``limit``
        (None: all of them): each bucket's first, lowest and highest, NaN
        edges and the best epochs."""
        if limit is None or len(self.epochs) <= limit:
            return None
        names = list(self.values)
        rows = set(self._reducer.indices(names, list(self.values.values()), limit))
        for name in names:
            best = self.best_row(name)
            if best is not None:
                rows.add(best)
        return sorted(rows)
