"""Scalars logged against a step (TensorBoard, MLflow) as a Run's epochs.

Those loggers let the user pick the step: Keras and most epoch loops pass
the epoch, many PyTorch loops pass the global optimizer step, some log every
N steps. The step axis is kept as it is, in units of the largest step every
logged step is a multiple of:

- steps 0, 1, 2 … are epochs 0, 1, 2 … (shown 1, 2, 3, as Keras counts);
- steps 1, 2, 3 … (a loop counting from 1) are epochs 0, 1, 2 … too, so the
  panel shows the numbers the user logged;
- steps 100, 200, 300 … are rows 0, 1, 2 … of 100 steps each, and
  ``steps_per_epoch`` is 100, so the panel's step axis shows 100, 200, 300;
- a metric logged every step next to one logged every 100 steps keeps step
  units: the sparse one has a value on every 100th row, none in between.

Nothing is resampled or averaged: each logged point stays a point.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import Any, Optional

from ..run import STATUSES, Run

# metric -> step -> (value, unix time or None); a step logged twice keeps
# the later value, as TensorBoard and MLflow show it.
Series = dict[str, dict[int, tuple[float, Optional[float]]]]


def step_scale(steps: Iterable[int]) -> tuple[int, int, int]:
    """``(base, unit, shift)`` with epoch = (step - base) // unit - shift."""
    found = set(steps)
    if not found:
        return 0, 1, 0
    base = min(0, min(found))  # negative steps are moved up to 0
    unit = reduce(math.gcd, (s - base for s in found), 0) or 1
    shift = 1 if min(found) - base >= unit else 0  # counted from 1
    return base, unit, shift


def build_run(
    name: str,
    series: Series,
    *,
    run_id: str,
    params: Mapping[str, Any] | None = None,
    epochs_are_steps: bool = False,
    batches: Series | None = None,
    started: float | None = None,
    status: str = "finished",
) -> Run:
    """A Run from step-keyed series. ``epochs_are_steps``: the steps are
    epochs already (Keras' epoch summaries), used as they are. ``batches``
    are placed in the epoch whose last point was logged at or after them
    (by wall time): their steps are global optimizer steps."""
    run = Run(name, params or {})
    run.id = run_id
    run.started = None  # logging below must not stamp times of its own
    times = [t for points in series.values() for _, t in points.values() if t]
    if started is None and times:
        started = min(times)
    all_steps = {s for points in series.values() for s in points}
    if epochs_are_steps:
        base, unit, shift = min(0, min(all_steps, default=0)), 1, 0
    else:
        base, unit, shift = step_scale(all_steps)
        run.steps_per_epoch = unit
    rows: dict[int, dict[str, float]] = {}
    ended: dict[int, float] = {}
    for metric, points in series.items():
        for step, (value, when) in points.items():
            epoch = (step - base) // unit - shift
            rows.setdefault(epoch, {})[metric] = value
            if when is not None:
                ended[epoch] = max(ended.get(epoch, when), when)
    for epoch in sorted(rows):
        when = ended.get(epoch)
        elapsed = None if when is None or started is None else when - started
        run.log_values(rows[epoch], epoch, time=elapsed)
    if batches:
        _place_batches(run, batches, ended)
    run.started = started
    run.status = status if status in STATUSES else "finished"
    if status != "running" and ended:
        run.ended = max(ended.values())
    return run


def _place_batches(run: Run, batches: Series, ended: dict[int, float]) -> None:
    order = sorted(ended)
    ends = [ended[e] for e in order]
    # (epoch, global step) -> values; an epoch's steps count from its first
    # batch, as the run's batch table counts them.
    placed: dict[int, dict[int, dict[str, float]]] = {}
    for metric, points in batches.items():
        for step, (value, when) in points.items():
            at = len(order) if when is None else bisect.bisect_left(ends, when)
            epoch = order[at] if at < len(order) else run.epoch_table.next_epoch
            placed.setdefault(epoch, {}).setdefault(step, {})[metric] = value
    for epoch in sorted(placed):
        first = min(placed[epoch])
        for step in sorted(placed[epoch]):
            run.log_batch(step=step - first, epoch=epoch, **placed[epoch][step])
