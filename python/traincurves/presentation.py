"""How a panel presents its runs, decided once.

The payload carries these decisions and both drawers (the extension and the
static picture) read them: each run's header texts (``run["text"]``) and
colour (``run["color"]``), the charts with each metric's family and split
(``charts``), each finding's label. Computed from the payload alone, so a
payload and its presentation always agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .metrics import direction, family, split

# Tableau 10: distinct hues that read on light and dark backgrounds.
RUN_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)

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


def charts(names: Iterable[str], focus: str | None = None) -> list[dict[str, Any]]:
    """The panel's charts, in order, each with its metrics and their split.

    One chart per metric family (``loss`` and ``val_loss``); families that
    share a stem and differ by an index or class name (``iou_class_0`` ...
    ``iou_class_39``, ``f1_cat`` / ``f1_dog``) share one chart, a line per
    member in its own colour. Loss first (read it first, with the metrics
    beside it), then the others as logged, then the system group (schedules,
    gradient norms, throughput). ``key`` charts are the loss and the focus
    metric (``focus``: the one the user named, else the first accuracy-like
    one); their metrics lead the header, the
    rest of a long list is folded away. ``shown``: drawn by default, at most
    ``SHOWN_CHARTS``; the panel's metric picker shows the others.
    """
    names = list(dict.fromkeys(names))
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(family(name), []).append(name)
    stems: dict[str, list[str]] = {}
    for name in grouped:
        stem = _stem(name)
        if stem is not None:
            stems.setdefault(stem[0], []).append(name)

    plans: list[dict[str, Any]] = []
    placed: set[str] = set()
    for name, members in grouped.items():
        if name in placed:
            continue
        stem = _stem(name)
        together = stems.get(stem[0], []) if stem is not None else []
        if len(together) < 2:
            plans.append(
                {
                    "family": name,
                    # bare split names (``train``, ``val``) have no family word
                    "title": name or " / ".join(members),
                    "metrics": [{"name": m, "split": split(m)} for m in members],
                }
            )
            continue
        placed.update(together)
        colors = member_colors(len(together))
        plans.append(
            {
                "family": f"{stem[0]}{stem[1]}*",
                "title": f"{stem[0]}{stem[1]}* ({len(together)})",
                "metrics": [
                    {
                        "name": m,
                        "split": split(m),
                        "member": _stem(f)[2],  # type: ignore[index]
                        "color": colors[i],
                    }
                    for i, f in enumerate(together)
                    for m in grouped[f]
                ],
            }
        )
    plans.sort(key=lambda plan: _rank(plan["family"]))
    named = next(
        (p["family"] for p in plans for m in p["metrics"] if m["name"] == focus),
        None,
    )
    # A loss named as the focus is a key chart already: then the first
    # accuracy-like metric is the other one.
    focus = (named if _rank(named or "") != 0 else None) or next(
        (
            p["family"]
            for p in plans
            if _rank(p["family"]) == 1
            and "member" not in p["metrics"][0]
            and any(direction(m["name"]) == "max" for m in p["metrics"])
        ),
        None,
    )
    every = len(names) <= HEADER_METRICS
    for plan in plans:
        plan["key"] = every or _rank(plan["family"]) == 0 or plan["family"] == focus
        if _rank(plan["family"]) == 2:
            plan["group"] = "system"
    shown = [p for p in plans if p["key"]] + [p for p in plans if not p["key"]]
    for plan in shown[SHOWN_CHARTS:]:
        plan["shown"] = False
    return plans


SHOWN_CHARTS = 6  # more than this and a panel no longer reads at a glance
HEADER_METRICS = 8  # more than this and the header keeps the key ones
# Families of the system group, drawn after the learning curves: how the
# run was driven and how fast it went, not what it learned.
_SYSTEM = re.compile(
    r"^(lr|learning_rate|lr[-_/].*|momentum|weight_decay|grad_?norm.*|"
    r".*runtime|.*per_second|.*samples_per_sec.*|throughput|total_flos|"
    r"epoch_time|time|step_time|batch_time|memory.*|gpu.*)$",
    re.IGNORECASE,
)
_MEMBER = re.compile(r"^(.+?)([_/.-])([^_/.-]+)$")


def _rank(name: str) -> int:
    if name.lower() == "loss":
        return 0
    return 2 if _SYSTEM.match(name) else 1


def _stem(name: str) -> tuple[str, str, str] | None:
    """``iou_class_3`` -> (``iou_class``, ``_``, ``3``): a family that may
    be one member of a group; None for a name with no separator."""
    found = _MEMBER.match(name)
    return None if found is None else (found[1], found[2], found[3])


# Member lines: evenly spaced hues of a perceptual (viridis-like) ramp, so
# neighbouring classes differ and 40 members still read as a range.
_RAMP = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))


def member_colors(count: int) -> list[str]:
    out = []
    for i in range(count):
        t = 0.0 if count == 1 else i / (count - 1)
        k = min(int(t * (len(_RAMP) - 1)), len(_RAMP) - 2)
        f = t * (len(_RAMP) - 1) - k
        rgb = [round(a + (b - a) * f) for a, b in zip(_RAMP[k], _RAMP[k + 1])]
        out.append("#" + "".join(f"{c:02x}" for c in rgb))
    return out


def hash_name(name: str) -> int:
    """FNV-1a over UTF-16 code units, as JavaScript strings hold them: the
    extension picks colours for runs it adds to a comparison the same way."""
    value = 0x811C9DC5
    units = name.encode("utf-16-le", errors="surrogatepass")
    for i in range(0, len(units), 2):
        value ^= units[i] | (units[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def run_colors(runs: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Run id -> colour: the palette slot its name hashes to, so a run keeps
    its colour from panel to panel, or the next free one."""
    taken: set[int] = set()
    colors: dict[str, str] = {}
    size = len(RUN_PALETTE)
    for run in runs:
        slot = hash_name(run["name"]) % size
        for _ in range(size):
            if slot not in taken:
                break
            slot = (slot + 1) % size
        taken.add(slot)
        colors[run["id"]] = RUN_PALETTE[slot]
    return colors


def finding_label(finding: dict[str, Any]) -> str:
    """The name a finding is listed and shaded under, its confidence in the
    wording: ``overfitting`` (high), ``likely overfitting`` (medium),
    ``possible overfitting`` (low)."""
    kind = finding["kind"].replace("_", " ")
    prefix = {"medium": "likely ", "low": "possible "}
    return prefix.get(finding.get("confidence") or "high", "") + kind


# -- many runs: the focus metric, ranks, highlighted runs, finding groups -----

# Up to this many runs every run is drawn strongly; beyond it the best
# HIGHLIGHT are, the rest faint (``tc.compare(highlight=...)``).
HIGHLIGHT_FROM = 10
HIGHLIGHT = 5


def focus_metric(
    runs: Sequence[dict[str, Any]], metric: str | None = None
) -> dict[str, str] | None:
    """The metric a comparison ranks its runs by, and whether lower or
    higher is better: ``metric`` (``tc.compare(metric=...)``) if it has a
    direction, else the validation loss-like metric most runs logged
    (``val_loss``), else another validation metric, a training loss, any
    metric with a direction, in that order, each time the one most runs
    logged (the first logged on a tie). None: no metric has a direction."""
    if metric is not None and direction(metric) is not None:
        return {"metric": metric, "mode": direction(metric)}  # type: ignore[dict-item]
    logged: dict[str, int] = {}
    for run in runs:
        for name in run["best"]:  # metrics with a finite value
            logged[name] = logged.get(name, 0) + 1

    def loss_like(name: str) -> bool:
        return direction(name) == "min" and "loss" in family(name).lower()

    tiers = (
        lambda n: split(n) == "validation" and loss_like(n),
        lambda n: split(n) == "validation",
        loss_like,
        lambda n: True,
    )
    for tier in tiers:
        found = [n for n in logged if direction(n) is not None and tier(n)]
        if found:
            best = max(found, key=lambda n: logged[n])  # first of the most
            return {"metric": best, "mode": direction(best)}  # type: ignore[dict-item]
    return None


def run_ranks(
    runs: Sequence[dict[str, Any]], focus: dict[str, str] | None
) -> dict[str, int | None]:
    """Run id -> its place by its best value of the focus metric (1: the
    best; a tie goes to the run listed first); None without a value."""
    if focus is None:
        return {run["id"]: None for run in runs}
    metric, sign = focus["metric"], 1 if focus["mode"] == "min" else -1
    valued = [
        (sign * run["best"][metric]["value"], i, run["id"])
        for i, run in enumerate(runs)
        if metric in run["best"] and run["best"][metric]["value"] is not None
    ]
    ranks: dict[str, int | None] = {run["id"]: None for run in runs}
    for place, (_, _, run_id) in enumerate(sorted(valued), start=1):
        ranks[run_id] = place
    return ranks


def highlight_count(
    runs: int, ranked: int, highlight: int | bool | None = None
) -> int | None:
    """How many best-ranked runs are drawn strongly, the rest faint; None:
    every run is. ``highlight``: the user's count (False: every run), else
    HIGHLIGHT beyond HIGHLIGHT_FROM runs. Only ranked runs can be."""
    if highlight is False or ranked == 0:
        return None
    if highlight is None or highlight is True:
        k = HIGHLIGHT if runs > HIGHLIGHT_FROM else None
    else:
        k = highlight
    return None if k is None or k >= runs else k


def highlight_colors(
    runs: Sequence[dict[str, Any]], ranks: dict[str, int | None], k: int
) -> dict[str, str]:
    """Run id -> a new colour for highlighted runs whose palette colour an
    earlier-ranked highlighted run already has: with many runs the palette
    repeats, and the few drawn strongly must tell apart (and from the
    grey of the rest). Every other run keeps its own."""
    chosen = sorted(
        (r for r in runs if (ranks.get(r["id"]) or k + 1) <= k),
        key=lambda r: ranks[r["id"]],
    )
    # Never the palette's grey: the faint runs are drawn grey.
    taken: set[str] = {RUN_PALETTE[-1]}
    changed: dict[str, str] = {}
    for run in chosen:
        color = run["color"]
        if color in taken:
            color = next(c for c in RUN_PALETTE if c not in taken)
            changed[run["id"]] = color
        taken.add(color)
    return changed


_SEVERITY = {"error": 0, "warning": 1, "info": 2}


def finding_groups(runs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comparison's findings by kind: ``overfitting · 183 of 200 runs``,
    the runs' ids in panel order, the most severe of them; most runs first
    (then the most severe, then the first found)."""
    groups: dict[str, dict[str, Any]] = {}
    for run in runs:
        for finding in run["findings"]:
            kind = finding["kind"]
            group = groups.setdefault(
                kind,
                {
                    "kind": kind,
                    "label": kind.replace("_", " "),
                    "severity": "info",
                    "runs": [],
                },
            )
            if _SEVERITY.get(finding["severity"], 2) < _SEVERITY[group["severity"]]:
                group["severity"] = finding["severity"]
            if run["id"] not in group["runs"][-1:]:
                group["runs"].append(run["id"])
    ordered = sorted(
        enumerate(groups.values()),
        key=lambda item: (
            -len(item[1]["runs"]),
            _SEVERITY[item[1]["severity"]],
            item[0],
        ),
    )
    return [
        {**group, "count": len(group["runs"]), "of": len(runs)} for _, group in ordered
    ]
