"""Bounding long batch-level series for display.

The payload is re-sent on every live update, so its size must not grow with
the run: above a limit, batch series are reduced to the first, lowest and
highest point of each bucket (the extremes a reader looks for), and the
edges of every stretch of non-finite values are kept so NaN gaps stay
visible. Epoch series are never reduced, and the Run keeps all data.

:class:`BucketReducer` does this incrementally for a growing run: buckets
that are complete are summarised once and merged pairwise when the run
outgrows them, so a live update costs the new points plus the points shown,
not the whole history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Column = Sequence[float | None]

# A bucket: its first row, per column the rows of the lowest and highest
# finite value (None when the column has none there), and the rows at the
# edges of non-finite stretches.
Bucket = tuple[int, list[int | None], list[int | None], list[int]]


def _summarise(columns: Sequence[Column], start: int, stop: int) -> Bucket:
    lows: list[int | None] = []
    highs: list[int | None] = []
    edges: set[int] = set()
    for column in columns:
        low = high = None
        low_value = high_value = 0.0
        previous_bad = False
        for i in range(start, stop):
            value = column[i]
            if value is None:
                previous_bad = False
                continue
            if not math.isfinite(value):
                if not previous_bad:
                    edges.add(i)  # a stretch starts
                elif i + 1 == stop or _finite_or_none(column[i + 1]):
                    edges.add(i)  # and ends
                previous_bad = True
                continue
            previous_bad = False
            if low is None or value < low_value:
                low, low_value = i, value
            if high is None or value > high_value:
                high, high_value = i, value
        lows.append(low)
        highs.append(high)
    return start, lows, highs, sorted(edges)


def _finite_or_none(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def _merge(columns: Sequence[Column], a: Bucket, b: Bucket) -> Bucket:
    lows: list[int | None] = []
    highs: list[int | None] = []
    for c, column in enumerate(columns):
        candidates = [i for i in (a[1][c], b[1][c]) if i is not None]
        lows.append(min(candidates, key=column.__getitem__) if candidates else None)
        candidates = [i for i in (a[2][c], b[2][c]) if i is not None]
        highs.append(max(candidates, key=column.__getitem__) if candidates else None)
    return a[0], lows, highs, a[3] + b[3]


def _rows(bucket: Bucket) -> list[int]:
    first, lows, highs, edges = bucket
    rows = {first, *edges}
    rows.update(i for i in lows if i is not None)
    rows.update(i for i in highs if i is not None)
    return sorted(rows)


class BucketReducer:
    """Min-max buckets over a table that grows at the end, kept between calls.

    Bucket widths are powers of two, so when the table outgrows the budget
    neighbouring buckets merge exactly into buckets twice as wide.
    ``generation`` changes whenever rows shown before may no longer be
    shown the same way; while it stays, the first ``stable`` rows of each
    answer are those of the last answer, and a caller may keep what it made
    of them.
    """

    def __init__(self) -> None:
        self.width = 1
        self.complete: list[Bucket] = []  # full-width buckets, in order
        self.shown: list[int] = []  # their rows, in order
        self.names: tuple[str, ...] = ()
        self.reduced = False
        self.generation = 0
        self.stable = 0
        # JSON bytes per shown row, learnt by the caller from the last answer.
        self.row_bytes = 36.0

    def _restart(self) -> None:
        self.width, self.complete, self.shown = 1, [], []
        self.generation += 1

    def invalidate(self, row: int) -> None:
        """Rows from ``row`` on changed (an out-of-order insert)."""
        if not self.reduced:
            if row < self.stable:  # rows a caller kept have moved
                self.generation += 1
            return
        if row >= len(self.complete) * self.width:
            return  # only rows no complete bucket holds yet
        del self.complete[row // self.width :]
        self.shown = [i for bucket in self.complete for i in _rows(bucket)]
        self.generation += 1

    def indices(
        self, names: Sequence[str], columns: Sequence[Column], limit: int
    ) -> list[int]:
        """Sorted rows to show: about ``limit`` at most (plus non-finite edges)."""
        length = len(columns[0]) if columns else 0
        reduced = length > limit
        if reduced != self.reduced or tuple(names) != self.names:
            # Reduced or not, or a metric appeared: rows kept are not valid.
            self.reduced, self.names = reduced, tuple(names)
            self._restart()
        if not reduced:
            self.stable = length
            return list(range(length))
        # A bucket shows its first row and each column's lowest and highest.
        buckets = max(1, limit // (1 + 2 * len(columns)))
        # Start over when the limit grew so much that buckets a quarter as
        # wide fit (not half: a limit that wavers around one width must not
        # redo the whole run each update).
        if self.width >= 4 and math.ceil(length / (self.width // 4)) <= buckets:
            self._restart()
        while math.ceil(length / self.width) > buckets:
            self.width *= 2
            pairs = self.complete
            self.complete = [
                _merge(columns, pairs[k], pairs[k + 1])
                for k in range(0, len(pairs) - 1, 2)
            ]
            self.shown = [i for bucket in self.complete for i in _rows(bucket)]
            self.generation += 1
        full = length // self.width
        for k in range(len(self.complete), full):
            start = k * self.width
            bucket = _summarise(columns, start, start + self.width)
            self.complete.append(bucket)
            self.shown.extend(_rows(bucket))
        self.stable = len(self.shown)
        rows = list(self.shown)
        if full * self.width < length:
            rows.extend(_rows(_summarise(columns, full * self.width, length)))
        if rows[-1] != length - 1:
            rows.append(length - 1)  # the newest point is always shown
        return rows


def minmax_indices(columns: Sequence[Column], limit: int) -> list[int]:
    """Sorted rows to keep: about ``limit`` at most (plus non-finite edges)."""
    names = [str(i) for i in range(len(columns))]
    return BucketReducer().indices(names, columns, limit)
