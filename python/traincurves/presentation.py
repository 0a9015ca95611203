"""What a panel says about its run, decided once.

The payload carries these texts (``run["text"]``), and both drawers read
them: the extension's header and the static picture. Computed from the run's
payload alone, so a payload and its texts always agree.
"""

from __future__ import annotations

import math
from typing import Any

STATUS_TEXT = {
    "running": "running",
    "finished": "finished",
    "stopped_early": "stopped early",
    "interrupted": "interrupted",
    "failed": "failed",
}


def status_text(status: str) -> str:
    return STATUS_TEXT.get(status, status)


def duration(seconds: float) -> str:
    """``42s``, ``3m 05s``, ``1h 02m``."""
    s = max(0, math.floor(seconds + 0.5))
    if s < 60:
        return f"{s}s"
    m = s // 60
    if m < 60:
        return f"{m}m {s % 60:02d}s"
    return f"{m // 60}h {m % 60:02d}m"


def number(value: float) -> str:
    """4 significant digits, no ``1e-7`` noise, ``100`` not ``100.0``."""
    if not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-3 or magnitude >= 1e5):
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa}e{int(exponent):+d}"
    rounded = float(f"{value:.4g}")
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def run_text(run: dict[str, Any]) -> dict[str, Any]:
    """The header's texts for one run's payload.

    ``status``: the status as read; ``done``: what the run did (epochs, where
    it stopped, how long it took); ``progress``: while it runs towards a
    known number of epochs, where it is and the ETA, else None. A panel
    whose kernel can no longer update it shows ``done`` instead.
    """
    count = run.get("epoch_count", len(run["epochs"]))
    progress = run["progress"]
    elapsed = progress.get("elapsed")
    done = [
        "layer snapshot"
        if count == 0 and run.get("distributions")
        else f"{count} epoch{'' if count == 1 else 's'}"
    ]
    stop = _first(run["events"], "early_stop")
    if stop is not None:
        best = stop.get("best_epoch")
        done.append(
            f"stopped early at epoch {stop['epoch']}"
            + (f" (best {best})" if isinstance(best, int) else "")
        )
    nan_stop = _first(run["events"], "nan_stop")
    if nan_stop is not None:
        done.append(
            f"stopped at epoch {nan_stop['epoch']}: {nan_stop.get('metric')} not finite"
        )
    if elapsed is not None:
        done.append(duration(elapsed))

    live = None
    total = progress.get("total")
    if run["status"] == "running" and total:
        parts = [f"epoch {progress['epoch']}/{total}"]
        if elapsed is not None:
            parts.append(f"{duration(elapsed)} elapsed")
            if count > 0:
                per_epoch = elapsed / count
                left = max(0, total - progress["epoch"])
                parts.append(f"ETA {duration(per_epoch * left)}")
                parts.append(f"{number(per_epoch)} s/epoch")
        live = " · ".join(parts)
    return {
        "status": status_text(run["status"]),
        "done": " · ".join(done),
        "progress": live,
    }


def _first(events: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next(
        (e for e in events if e.get("kind") == kind and e.get("epoch") is not None),
        None,
    )
