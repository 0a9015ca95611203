"""Findings: what the curves say, with the likely cause and what to try.

Each rule reads the per-epoch curves of a Run. Thresholds are parameters with
defaults tuned on the labelled corpus in ``test/fixtures/diagnosis``; a
history shorter than ``min_epochs`` gives no verdicts (only NaN/inf, which
is a fact, not a verdict).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from .metrics import direction, family, split

ADVICE = {
    "nonfinite": "check the inputs for NaN/inf, lower the learning rate, clip gradients",
    "divergence": "lower the learning rate; check the loss and the labels",
    "unstable": "lower the learning rate or use a schedule (warm-up, decay)",
    "overfitting": "add regularisation (dropout, weight decay), augment the data, "
    "or stop early (keras.callbacks.EarlyStopping)",
    "underfitting": "add capacity (wider or deeper model), train longer, "
    "or raise the learning rate",
    "plateau": "try another optimiser or a learning-rate schedule "
    "(e.g. ReduceLROnPlateau)",
}


@dataclass(frozen=True)
class Finding:
    """One finding. Epochs are 0-based, as logged; ``end`` is inclusive."""

    kind: str
    severity: str  # "error", "warning" or "info"
    metric: str
    start: int
    end: int
    message: str
    advice: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Thresholds:
    min_epochs: int = 5
    # overfitting: validation loss up by this share from its best, for at
    # least `patience` epochs, while the training loss still falls
    overfit_rise: float = 0.05
    patience: int = 3
    # underfitting: training loss fell by less than this share of its start
    # and moved less than `flat` over the last `patience` + 2 epochs
    underfit_drop: float = 0.25
    flat: float = 0.02
    # instability: share of sign changes of the per-epoch change, and their
    # size relative to the loss; or one jump up by `jump` of the loss
    sign_changes: float = 0.5
    swing: float = 0.05
    jump: float = 0.5
    # ... and by at least this share of the curve's whole range
    jump_visible: float = 0.05
    # plateau: no improvement above `tolerance` (relative) for this many epochs
    plateau_epochs: int = 5
    tolerance: float = 1e-3
    # divergence: the loss ends this much above its start, rising mostly
    diverge: float = 0.1


def _finite(
    epochs: list[int], values: list[float | None]
) -> tuple[list[int], list[float]]:
    pairs = [
        (e, v) for e, v in zip(epochs, values) if v is not None and math.isfinite(v)
    ]
    return [e for e, _ in pairs], [v for _, v in pairs]


def _loss_pairs(run: Any) -> list[tuple[str, str | None]]:
    """(train metric, its validation twin) of each loss-like family."""
    pairs = []
    for name in run:
        if split(name) == "train" and "loss" in family(name).lower():
            twin = next(
                (
                    m
                    for m in run
                    if split(m) == "validation" and family(m) == family(name)
                ),
                None,
            )
            pairs.append((name, twin))
    return pairs


def _nonfinite(run: Any) -> list[Finding]:
    found = []
    for metric, where in run.nonfinite.items():
        first, kind = where[0]
        found.append(
            Finding(
                "nonfinite",
                "error",
                metric,
                first,
                where[-1][0],
                f"{metric} became {kind} at epoch {first + 1}",
                ADVICE["nonfinite"],
            )
        )
    return found


def _divergence(
    metric: str, e: list[int], v: list[float], t: Thresholds
) -> Finding | None:
    if len(v) < t.min_epochs or v[0] <= 0:
        return None
    rises = sum(b > a for a, b in zip(v, v[1:])) / (len(v) - 1)
    if v[-1] > v[0] * (1 + t.diverge) and rises >= 0.6:
        return Finding(
            "divergence",
            "error",
            metric,
            e[0],
            e[-1],
            f"{metric} rose from {v[0]:.4g} to {v[-1]:.4g}: training diverges",
            ADVICE["divergence"],
        )
    return None


def _unstable(
    metric: str, e: list[int], v: list[float], t: Thresholds
) -> Finding | None:
    if len(v) < t.min_epochs:
        return None
    deltas = [b - a for a, b in zip(v, v[1:])]
    scale = sorted(abs(x) for x in v)[len(v) // 2] or 1.0
    big = [i for i, d in enumerate(deltas) if abs(d) > t.swing * scale]
    flips = [
        i
        for i in range(1, len(deltas))
        if deltas[i] * deltas[i - 1] < 0 and i in big and i - 1 in big
    ]
    # A jump is large against the value it starts from and visible against
    # the whole curve: near zero, a loss that goes from 1e-4 to 3e-4 has
    # "tripled" while nothing on the chart moved.
    visible = t.jump_visible * (max(v) - min(v))
    jumps = [
        i
        for i, d in enumerate(deltas)
        if i > 0 and d > t.jump * abs(v[i]) and d > visible
    ]
    if len(flips) >= t.sign_changes * (len(deltas) - 1) or jumps:
        start = min(flips[:1] + jumps[:1])
        why = (
            f"{metric} jumps up at epoch {e[jumps[0] + 1] + 1}"
            if jumps
            else f"{metric} swings up and down ({len(flips)} reversals)"
        )
        return Finding(
            "unstable",
            "warning",
            metric,
            e[start],
            e[-1],
            f"{why}: the learning rate is likely too high",
            ADVICE["unstable"],
        )
    return None


def _overfitting(run: Any, train: str, val: str, t: Thresholds) -> Finding | None:
    both = [
        (ep, a, b)
        for ep, a, b in zip(run.epochs, run[train], run[val])
        if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)
    ]
    if len(both) < t.min_epochs:
        return None
    epochs = [x[0] for x in both]
    tr = [x[1] for x in both]
    va = [x[2] for x in both]
    best = min(range(len(va)), key=va.__getitem__)
    after = len(va) - 1 - best
    if (
        after < t.patience
        or va[-1] <= va[best] * (1 + t.overfit_rise)
        or tr[-1] >= tr[best]
    ):
        return None
    # Where validation falls behind training for good: the narrowest gap
    # before the best epoch, or where validation loss first exceeds training
    # loss (with dropout it starts below).
    gaps = [b - a for a, b in zip(tr, va)]
    narrowest = min(range(best + 1), key=gaps.__getitem__)
    above = next((i for i in range(best + 1) if gaps[i] > 0), narrowest)
    widen = max(narrowest, above)
    return Finding(
        "overfitting",
        "warning",
        val,
        epochs[widen],
        epochs[-1],
        f"{val} has risen since epoch {epochs[best] + 1} while {train} still falls: "
        f"the model overfits from about epoch {epochs[widen] + 1}",
        ADVICE["overfitting"],
    )


def _underfitting(
    run: Any, train: str, val: str | None, t: Thresholds
) -> Finding | None:
    curves = [train] + ([val] if val else [])
    window = t.patience + 2
    for metric in curves:
        _, v = _finite(run.epochs, run[metric])
        if len(v) < max(t.min_epochs, window) or v[0] <= 0:
            return None
        if v[-1] < v[0] * (1 - t.underfit_drop):
            return None
        tail = v[-window:]
        if (max(tail) - min(tail)) > t.flat * abs(tail[-1]) + 1e-12:
            return None
    e, _ = _finite(run.epochs, run[train])
    return Finding(
        "underfitting",
        "warning",
        train,
        e[0],
        e[-1],
        f"{train}{' and ' + val if val else ''} stay high and flat: the model underfits",
        ADVICE["underfitting"],
    )


def _plateau(
    metric: str, e: list[int], v: list[float], t: Thresholds
) -> Finding | None:
    mode = direction(metric)
    if mode is None or len(v) < max(t.min_epochs, t.plateau_epochs + 1):
        return None
    best, last_gain = v[0], 0
    for i, value in enumerate(v[1:], start=1):
        gain = (best - value) if mode == "min" else (value - best)
        if gain > t.tolerance * max(abs(best), 1e-12):
            best, last_gain = value, i
    if len(v) - 1 - last_gain >= t.plateau_epochs:
        return Finding(
            "plateau",
            "info",
            metric,
            e[last_gain + 1],
            e[-1],
            f"{metric} has not improved since epoch {e[last_gain] + 1}",
            ADVICE["plateau"],
        )
    return None


def diagnose(
    run_or_history: Any, thresholds: Thresholds | None = None, **overrides: Any
) -> list[Finding]:
    """Findings for a Run, a Keras History or a history mapping.

    Keyword arguments override single thresholds, e.g. ``patience=5``.
    """
    from .ingest import as_run

    t = thresholds or Thresholds()
    if overrides:
        t = Thresholds(**{**asdict(t), **overrides})
    run = as_run(run_or_history)
    findings = _nonfinite(run)
    if len(run) < t.min_epochs:
        return findings
    # Metrics a finding already explains get no second verdict.
    covered = {f.metric for f in findings}
    for train, val in _loss_pairs(run):
        if train in covered:
            continue
        e, v = _finite(run.epochs, run[train])
        found = _divergence(train, e, v, t) or _unstable(train, e, v, t)
        if not found and val and val not in covered:
            found = _overfitting(run, train, val, t)
        if not found:
            found = _underfitting(run, train, val, t)
        if found:
            findings.append(found)
            covered.update({train, val} - {None})
    if any(f.kind in ("nonfinite", "divergence", "unstable") for f in findings):
        return findings  # a stall there is the instability, not a plateau
    for metric in run:
        if split(metric) == "validation" and metric not in covered:
            e, v = _finite(run.epochs, run[metric])
            found = _plateau(metric, e, v, t)
            if found:
                findings.append(found)
    return findings
