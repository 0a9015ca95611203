"""Bounding long batch-level series for display.

The payload is re-sent on every live update, so its size must not grow with
the run: above a limit, batch series are reduced to the first, lowest and
highest point of each bucket (the extremes a reader looks for), and every
non-finite point is kept so NaN gaps stay visible. Epoch series are never
reduced, and the Run keeps all data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MAX_BATCH_POINTS = 3000


def minmax_indices(columns: Sequence[Sequence[float | None]], limit: int) -> list[int]:
    """Sorted indices to keep so each column is drawn with about ``limit`` points."""
    length = len(columns[0]) if columns else 0
    if length <= limit:
        return list(range(length))
    buckets = max(1, limit // 3)
    keep: set[int] = {0, length - 1}
    for b in range(buckets):
        start = b * length // buckets
        stop = (b + 1) * length // buckets
        keep.add(start)
        for column in columns:
            low = high = None
            for i in range(start, stop):
                value = column[i]
                if value is None:
                    continue
                if not math.isfinite(value):
                    keep.add(i)
                    continue
                if low is None or value < column[low]:
                    low = i
                if high is None or value > column[high]:
                    high = i
            if low is not None:
                keep.update((low, high))
    return sorted(keep)
