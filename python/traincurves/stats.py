"""Best values and non-finite epochs of a run's metrics, kept up to date.

Every live update asks for both, for every metric; rescanning a long history
each time made the update grow with the run. Rows are only ever appended or
changed near the end (validation values join their epoch's row), so a
prefix of the answer stays valid: per metric, the row of the best value up
to each row, and the non-finite rows in order. A change at row r drops what
came from rows >= r and only those rows are read again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .metrics import direction
from .values import nonfinite_kind


class MetricStats:
    def __init__(self) -> None:
        self.best_row: dict[str, list[int | None]] = {}  # best row up to each row
        self.bad: dict[str, list[tuple[int, str]]] = {}  # (row, "nan"|"inf"|"-inf")
        self.dirty_from = 0  # rows from here on changed since the last update

    def changed(self, row: int) -> None:
        self.dirty_from = min(self.dirty_from, row)

    def update(self, columns: dict[str, Sequence[float | None]]) -> None:
        length = 0
        for name, column in columns.items():
            length = len(column)
            prefix = self.best_row.setdefault(name, [])
            start = min(self.dirty_from, len(prefix))
            del prefix[start:]
            mode = direction(name)
            best = prefix[-1] if prefix else None
            bad = self.bad.setdefault(name, [])
            while bad and bad[-1][0] >= start:
                bad.pop()
            for i in range(start, length):
                value = column[i]
                if value is None:
                    prefix.append(best)
                    continue
                if not math.isfinite(value):
                    bad.append((i, nonfinite_kind(value) or "nan"))
                elif mode is not None and (
                    best is None
                    or (value < column[best] if mode == "min" else value > column[best])
                ):
                    best = i
                prefix.append(best)
        self.dirty_from = length
