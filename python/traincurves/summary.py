"""The ``text/plain`` part of the bundle: what a terminal, nbviewer or GitHub
shows. Status, epochs, final and best value of each metric, non-finite values.

While a run trains, its text is one progress line (:func:`progress_line`),
the same a terminal prints: live updates come several times a second and the
full summary waits for the last one.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .metrics import direction
from .presentation import duration, number, status_text

if TYPE_CHECKING:
    from .run import Run


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4g}"


def _run_summary(run: Run) -> list[str]:
    epochs = len(run)
    if not epochs and run.distributions:  # a snapshot: tc.distributions
        return [f"traincurves layer distributions {run.name!r}", *_layer_lines(run)[1:]]
    total = (
        f"/{run.total_epochs}" if run.total_epochs and run.status == "running" else ""
    )
    lines = [
        f"traincurves run {run.name!r}: {status_text(run.status)}, "
        f"{epochs}{total} epoch{'s' if epochs != 1 else ''}"
    ]
    for event in run.events:
        if event.get("kind") == "early_stop":
            lines[0] += f", stopped early at epoch {event['epoch'] + 1}"
    if not list(run):
        return lines + _layer_lines(run)
    width = max(len(name) for name in run)
    lines.append(f"  {'metric':<{width}}  {'final':>10}  best")
    for name in run:
        last = run.last(name)
        best = run.best(name)
        best_text = (
            f"{_number(best[1])} (epoch {best[0] + 1}, {direction(name)})"
            if best
            else "-"
        )
        lines.append(
            f"  {name:<{width}}  {_number(last[1] if last else None):>10}  {best_text}"
        )
    for name, found in run.nonfinite.items():
        first_epoch, kind = found[0]
        more = f" and {len(found) - 1} more epochs" if len(found) > 1 else ""
        lines.append(f"  ! {name} was {kind} at epoch {first_epoch + 1}{more}")
    for finding in run.findings():
        if finding.kind != "nonfinite":  # listed just above
            lines.append(
                f"  * {finding.kind} (epochs {finding.start + 1}-{finding.end + 1}): "
                f"{finding.message}; try: {finding.advice}"
            )
    return lines + _layer_lines(run)


def _layer_lines(run: Run) -> list[str]:
    """The layers whose distributions are recorded, and what looks wrong."""
    if not run.distributions:
        return []
    lines = [f"  layer distributions: {', '.join(run.distributions)}"]
    for distribution in run.distributions.values():
        if not len(run):
            last = distribution.summaries[-1]
            lines.append(
                f"  {distribution.name}: median {_number(last.quantiles and last.quantiles[3])}, "
                f"5-95 % {_number(last.quantiles and last.quantiles[1])} to "
                f"{_number(last.quantiles and last.quantiles[5])}, zeros {last.zeros:.0%}"
            )
        for hint in distribution.hints():
            lines.append(f"  * {hint['message']}; try: {hint['advice']}")
    return lines


# A live text lists this many runs at most (a watch may follow hundreds).
LIVE_RUNS = 10
# The latest values shown on a progress line, in the run's metric order.
LINE_METRICS = 6


def progress_line(run: Run) -> str:
    """One line: where the run is, its latest values and the ETA.

    ``baseline: epoch 12/30 · loss 0.2345 · val_loss 0.31 · ETA 9s``; once
    it ended, its status and duration instead of the ETA.
    """
    count = len(run)
    total = run.total_epochs
    parts = [f"epoch {count}/{total}" if total else f"epoch {count}"]
    if run.status != "running":
        parts.insert(0, status_text(run.status))
    for name in list(run)[:LINE_METRICS]:
        last = run.last(name)
        if last is not None:
            parts.append(f"{name} {number(last[1])}")
    elapsed = run.elapsed
    if elapsed is not None:
        if run.status != "running":
            parts.append(duration(elapsed))
        elif total and count:
            parts.append(f"ETA {duration(elapsed / count * max(0, total - count))}")
        else:
            parts.append(f"{duration(elapsed)} elapsed")
    return f"{run.name}: " + " · ".join(parts)


def live_text(runs: list[Run]) -> str:
    """The text of an update sent while runs train: a line per run."""
    lines = [progress_line(run) for run in runs[:LIVE_RUNS]]
    if len(runs) > LIVE_RUNS:
        lines.append(f"... and {len(runs) - LIVE_RUNS} more runs")
    return "\n".join(lines)


def summary(runs: list[Run]) -> str:
    return "\n".join(line for run in runs for line in _run_summary(run))


def _best_text(run: Run, metric: str) -> str:
    best = run.best(metric)
    return f"{_number(best[1])} @ {best[0] + 1}" if best else "-"


def table(runs: list[Run], metrics: list[str] | None = None) -> str:
    """Several runs as a text table: status, epochs, best validation values,
    final values and params."""
    from .metrics import split

    names: list[str] = []
    for run in runs:
        names += [m for m in run if m not in names and (not metrics or m in metrics)]
    validation = [m for m in names if split(m) == "validation"]
    header = ["run", "status", "epochs"]
    header += [f"best {m}" for m in validation] + [f"final {m}" for m in names]
    header.append("params")
    rows = []
    for run in runs:
        logged = run.epoch_table.values
        last = {m: run.last(m) for m in names if m in logged}
        rows.append(
            [run.name, status_text(run.status), str(len(run))]
            + [_best_text(run, m) if m in logged else "-" for m in validation]
            + [_number(last[m][1]) if last.get(m) else "-" for m in names]
            + [", ".join(f"{k}={v}" for k, v in run.params.items()) or "-"]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [f"traincurves comparison of {len(runs)} runs"]
    for row in [header, *rows]:
        lines.append(
            "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        )
    return "\n".join(lines)


# A comparison's text lists this many runs at most, the best ranked first;
# tc.runs() lists every run.
SUMMARY_RUNS = 10
GROUP_NAMES = 6  # runs named in a finding group's line


def comparison_text(
    runs: list[Run], data: dict[str, Any], metrics: list[str] | None = None
) -> str:
    """A comparison's text: the table of its runs (beyond SUMMARY_RUNS, the
    best ranked by the focus metric of the payload ``data``), then its
    findings by kind, a line each."""
    ranks = {shown["id"]: shown.get("rank") for shown in data["runs"]}
    listed = runs
    if len(runs) > SUMMARY_RUNS:
        listed = sorted(runs, key=lambda r: ranks.get(r.id) or len(runs) + 1)
        listed = listed[:SUMMARY_RUNS]
    lines = table(listed, metrics).splitlines()
    focus = data.get("focus")
    if len(listed) < len(runs):
        by = f" by best {focus['metric']}" if focus else ""
        lines[0] = (
            f"traincurves comparison of {len(runs)} runs, the {len(listed)} best{by}"
        )
        lines.append(f"  ... and {len(runs) - len(listed)} more runs")
    names = {shown["id"]: shown["name"] for shown in data["runs"]}
    groups = data.get("finding_groups") or []
    if groups:
        lines.append("  findings:")
    for group in groups:
        named = [names[i] for i in group["runs"][:GROUP_NAMES]]
        more = group["count"] - len(named)
        lines.append(
            f"  * {group['label']} · {group['count']} of {group['of']} runs: "
            + ", ".join(named)
            + (f" and {more} more" if more else "")
        )
    return "\n".join(lines)
