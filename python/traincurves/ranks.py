"""One run from the per-rank files of a distributed run.

``{stem}.rank{N}.jsonl`` files of one run show as one run: each metric's line
is the mean over the ranks that logged it, with a min-max band across ranks.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from .run import Run

_RANK = re.compile(r"^(?P<stem>.+)\.rank(?P<rank>\d+)$")


def group_key(path: Path) -> tuple[str, int | None]:
    """``runs/a.rank2.jsonl`` → ("runs/a", 2); other files → (path, None)."""
    match = _RANK.match(path.stem)
    if not match:
        return str(path), None
    return str(path.with_name(match["stem"])), int(match["rank"])


def combine(runs: list[Run]) -> Run:
    """The ranks' runs as one: mean lines, min-max bands, the first rank's
    name, params and events; running while any rank runs."""
    first = runs[0]
    combined = Run(first.name, first.params, total_epochs=first.total_epochs)
    combined.id = first.id
    combined.started = None
    combined.steps_per_epoch = first.steps_per_epoch
    combined.events = list(first.events)
    epochs = sorted({e for run in runs for e in run.epochs})
    names = [m for m in first] + [
        m for run in runs[1:] for m in run if m not in first.epoch_table.values
    ]
    lows: dict[str, list[float | None]] = {m: [] for m in names}
    highs: dict[str, list[float | None]] = {m: [] for m in names}
    rows = [{e: i for i, e in enumerate(run.epoch_table.epochs)} for run in runs]
    for epoch in epochs:
        values: dict[str, float | None] = {}
        for metric in names:
            seen = []
            for run, row in zip(runs, rows):
                column = run.epoch_table.values.get(metric)
                if column is not None and epoch in row:
                    value = column[row[epoch]]
                    if value is not None:
                        seen.append(value)
            finite = [v for v in seen if math.isfinite(v)]
            if finite:
                values[metric] = sum(finite) / len(finite)
            elif seen:
                values[metric] = seen[0]  # every rank non-finite: keep it
            else:
                values[metric] = None
            lows[metric].append(min(finite) if finite else None)
            highs[metric].append(max(finite) if finite else None)
        combined.log_values(values, epoch)
    combined.bands = {m: (lows[m], highs[m]) for m in names if len(runs) > 1}
    statuses = [run.status for run in runs]
    combined.status = (
        "running"
        if "running" in statuses
        else (
            next(
                (
                    s
                    for s in ("failed", "interrupted", "stopped_early")
                    if s in statuses
                ),
                "finished",
            )
        )
    )
    return combined
