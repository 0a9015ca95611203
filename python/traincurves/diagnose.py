"""Findings: what the curves say, with the evidence, the likely cause and what
to try.

Real curves are noisy: validation loss rises on about a third of epochs,
one-epoch spikes of 5-30x are common, a Lightning "train loss" is often the
last batch's value. So no rule reads single epochs. Each one compares a
robust smoothing of the curve (a running median) against a noise scale
estimated from the curve itself (the spread of its second differences), and
counts a change only when it stands out against that noise for several
epochs. Every finding carries the numbers it rests on (``evidence``, also
said in its message) and a ``confidence``; a low-confidence finding is only
``info``. Thresholds are parameters (:class:`Thresholds`); their defaults
were tuned on the development part of the real logs in
``test/fixtures/real_logs`` (``bench/diagnosis_score.py``), and the
synthetic corpus in ``test/fixtures/diagnosis`` checks each definition.
A history shorter than ``min_epochs`` gives no verdicts on its epochs
(NaN/inf is a fact, not a verdict; its step-by-step loss is read for what
needs no trend: a loss that never changes, a blow-up by orders of
magnitude).

Which curve tells what: losses are paired train/validation by name; the
terms of a loss whose total falls, a GAN's adversaries and a policy's
entropy or KL are not losses to minimise on their own; a run that logs a
reward or return is an agent, judged by its reward.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

from .metrics import direction, role, words

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
    "noisy_validation": "turn on smoothing to read the trend; a larger validation "
    "set gives steadier numbers",
}

CONFIDENCES = ("high", "medium", "low")


@dataclass(frozen=True)
class Finding:
    """One finding. Epochs are 0-based, as logged; ``end`` is inclusive.

    ``evidence`` holds the numbers the finding rests on (shares are
    fractions: 0.18 is 18 %); ``confidence`` is high, medium or low, and a
    low one is never more than ``info``.
    """

    kind: str
    severity: str  # "error", "warning" or "info"
    metric: str
    start: int
    end: int
    message: str
    advice: str
    confidence: str = "high"
    evidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Thresholds:
    min_epochs: int = 3
    # rules that read a trend (divergence, instability) need this many
    trend_epochs: int = 5
    # A change counts when it exceeds this many noise scales of its curve.
    signal: float = 3.0
    # overfitting: validation loss up by this share over its best epoch,
    # above it for most of at least `patience` epochs, while the training
    # loss fell by at least `still_falls` over the same epochs and ends
    # below it (a generalisation gap) ...
    overfit_rise: float = 0.08
    # ... by this many noise scales (2 finds more on the development logs,
    # and more false alarms on the held-out ones)
    overfit_signal: float = 3.0
    # ... and by at least this share of the height the curve spans
    overfit_seen: float = 0.15
    patience: int = 3
    still_falls: float = 0.05
    # underfitting: the training loss fell by less than this share of its
    # start; or a cross-entropy sits within `chance` (relative) of ln K
    underfit_drop: float = 0.1
    # ... or a classifier's loss still this share of its start (about ln K)
    # with accuracy at most one half
    learned_little: float = 0.5
    chance: float = 0.05
    # instability: an epoch that gives back this share of the progress made
    # so far (a setback) ...
    setback: float = 0.5
    # ... or training and validation loss swinging together, epoch after
    # epoch, by this share of their level
    swing: float = 0.15
    # ... or a training loss this many times the validation loss
    blowup: float = 1e6
    # ... or one epoch this many times the loss's start and its median,
    # after which it comes back down
    spike: float = 10.0
    # divergence: the loss ends this much above its start; or its last
    # epochs give back `setback` of the progress and stay there
    diverge: float = 0.1
    # plateau: the validation loss stays within `flat` (relative) of its
    # level for this many epochs and this share of the run
    plateau_epochs: int = 10
    plateau_share: float = 0.5
    # ... while the training loss still falls by this share of its chart
    plateau_seen: float = 0.25
    flat: float = 0.02
    # noisy validation: validation roughness (noise over level) at least
    # this many times the training curve's, and at least `rough` itself
    noisy_ratio: float = 5.0
    rough: float = 0.06


# -- Reading metric names ---------------------------------------------------


def _role(name: str) -> tuple[str, str]:
    """(split, base) by the panel's reading of names (``metrics.role``),
    the base in lower-case words: ``TrainLoss`` -> (train, loss)."""
    part, fam = role(name)
    return part, "_".join(w.lower() for w in words(fam))


def _is_loss(base: str) -> bool:
    # ("total" alone: the sum of a loss's terms, logged beside them)
    return base in ("", "total") or "loss" in base.split("_")


def _is_accuracy(base: str) -> bool:
    return any(t.startswith("acc") for t in base.split("_"))


def _pairs(run: Any, test: bool = True) -> list[tuple[str, str | None]]:
    """(train metric, its validation twin) for each base name; a ``test_``
    curve stands in for validation when there is none."""
    roles = {name: _role(name) for name in run}
    found = []
    for name, (part, base) in roles.items():
        if part != "train":
            continue
        twins = [m for m, r in roles.items() if r == ("validation", base)]
        if not twins and test:
            twins = [m for m, r in roles.items() if r == ("test", base)]
        found.append((name, twins[0] if twins else None))
    return found


def _phase_starts(run: Any) -> set[int]:
    """Epochs where a logged learning rate steps down by a fifth or more:
    a lower rate cannot make the loss jump, so a jump there is a new phase
    (layers unfrozen for fine-tuning, new data), not instability."""
    starts: set[int] = set()
    for name in run:
        base = _role(name)[1]
        if base not in (
            "lr",
            "learning_rate",
            "learning_rates",
        ) and not base.startswith("lr_"):
            continue
        e, v = _finite(run.epochs, run[name])
        for i in range(1, len(v)):
            if v[i - 1] > 0 and v[i] <= 0.8 * v[i - 1]:
                starts.add(e[i])
    return starts


# Error metrics that are the loss when nothing is named one (LightGBM's
# l2, a hand-written log of mse): words of the metric's name.
_ERRORS = {"l1", "l2", "mse", "mae", "rmse", "nll", "bce", "logloss", "error"}


# Losses not minimised by design: a GAN's discriminator (or critic) and
# adversarial terms, an actor-critic's actor and critic, which play against
# each other; a policy's entropy and KL terms, held at a level. Their rises
# and falls are the game being played, not its health.
_ADVERSARY = {"d", "disc", "discriminator", "critic", "adv", "adversarial", "actor"}
_GAME = _ADVERSARY | {"policy", "pg", "entropy", "kl"}


def _tokens(name: str) -> set[str]:
    return set(_role(name)[1].split("_"))


def _is_game(name: str) -> bool:
    return bool(_GAME & _tokens(name))


def _loss_pairs(run: Any) -> list[tuple[str, str | None]]:
    pairs = [(tr, va) for tr, va in _pairs(run) if not _is_game(tr)]
    named = [(tr, va) for tr, va in pairs if _is_loss(_role(tr)[1])]
    return named or [
        (tr, va) for tr, va in pairs if _ERRORS & set(_role(tr)[1].split("_"))
    ]


_TOTALS = {"", "loss", "total", "total_loss", "loss_total"}


def _falling_total(run: Any, pairs: list[tuple[str, str | None]]) -> str | None:
    """The total of a loss logged with its terms (``loss`` beside
    ``data_loss``, ``physics_loss``), when it fell over the run: a term
    that rises then is the optimiser trading it off, not divergence."""
    if len(pairs) < 2:
        return None
    for train, _ in pairs:
        if _role(train)[1] in _TOTALS:
            _, v = _finite(run.epochs, run[train])
            if len(v) >= 3 and _smooth(v)[-1] < v[0]:
                return train
    return None


def _validation_only(run: Any) -> list[str]:
    """Validation losses with no training twin (still worth a plateau check)."""
    twins = {va for _, va in _pairs(run)}
    return [
        m
        for m in run
        if _role(m)[0] == "validation" and _is_loss(_role(m)[1]) and m not in twins
    ]


# -- Robust curve statistics ------------------------------------------------


def _finite(
    epochs: list[int], values: list[float | None]
) -> tuple[list[int], list[float]]:
    pairs = [
        (e, v) for e, v in zip(epochs, values) if v is not None and math.isfinite(v)
    ]
    return [e for e, _ in pairs], [v for _, v in pairs]


def _rows(run: Any, a: str, b: str) -> list[tuple[int, float, float]]:
    """(epoch, a, b) of the epochs where both metrics are finite numbers."""
    return [
        (ep, x, y)
        for ep, x, y in zip(run.epochs, run[a], run[b])
        if x is not None and y is not None and math.isfinite(x) and math.isfinite(y)
    ]


def _smooth(v: list[float]) -> list[float]:
    """A running median: one-epoch spikes vanish, steps and trends stay."""
    half = 2 if len(v) >= 20 else 1
    return [median(v[max(0, i - half) : i + half + 1]) for i in range(len(v))]


def _noise(v: list[float]) -> float:
    """The curve's epoch-to-epoch noise (a standard deviation), from the
    median absolute second difference: a trend, even a steep one early on,
    barely moves it, and neither do a few spikes."""
    if len(v) < 4:
        return 0.0
    d2 = [abs(v[i + 1] - 2 * v[i] + v[i - 1]) for i in range(1, len(v) - 1)]
    return 1.4826 * median(d2) / math.sqrt(6)


def _share(x: float) -> str:
    return f"{100 * x:.0f} %"


def _num(x: float) -> str:
    return f"{x:.3g}"


def _severity(kind: str, confidence: str) -> str:
    if confidence == "low" or kind in ("plateau", "noisy_validation"):
        return "info"
    return "error" if kind in ("nonfinite", "divergence") else "warning"


def _finding(
    kind: str,
    metric: str,
    start: int,
    end: int,
    message: str,
    confidence: str,
    evidence: dict[str, float],
) -> Finding:
    return Finding(
        kind,
        _severity(kind, confidence),
        metric,
        start,
        end,
        message,
        ADVICE[kind],
        confidence,
        {k: round(v, 4) if isinstance(v, float) else v for k, v in evidence.items()},
    )


# -- The rules --------------------------------------------------------------


def _nonfinite(run: Any) -> list[Finding]:
    found = []
    for metric, where in run.nonfinite.items():
        first, kind = where[0]
        found.append(
            _finding(
                "nonfinite",
                metric,
                first,
                where[-1][0],
                f"{metric} became {kind} at epoch {first + 1}",
                "high",
                {"epochs": len(where)},
            )
        )
    return found


def _setbacks(v: list[float], t: Thresholds) -> list[tuple[int, float]]:
    """(index, share of the progress so far given back) of each epoch that
    rises above the best value before it by more than the curve's noise,
    once there was progress to give back: the loss had fallen from a peak
    to its best by more than the noise and by `underfit_drop` of that peak
    (a loss that never fell, or barely, has no progress to lose)."""
    out = []
    floor = t.signal * _noise(v)
    if len(v) < 3:
        return out
    # The best value so far, and the highest value before it was reached,
    # kept as it goes: the cost stays linear in the run's length.
    low, top, peak = v[0], v[0], v[0]
    for i in range(1, len(v)):
        progress = peak - low
        if (
            i >= 2
            and progress > floor
            and progress >= t.underfit_drop * abs(peak)
            and v[i] - low > floor
        ):
            out.append((i, (v[i] - low) / progress))
        top = max(top, v[i])
        if v[i] < low:
            low, peak = v[i], top
    return out


def _divergence(
    metric: str, e: list[int], v: list[float], t: Thresholds, game: bool = False
) -> Finding | None:
    """A loss that climbs for good. In a game (a GAN's generator) the loss
    goes up and down as the adversary learns: only a climb on nearly every
    epoch counts there (the adversary has won)."""
    n = len(v)
    rises = sum(b > a for a, b in zip(v, v[1:])) / (n - 1)
    if (
        n >= t.trend_epochs
        and v[0] > 0
        and v[-1] > v[0] * (1 + t.diverge)
        and rises >= (0.8 if game else 0.6)
    ):
        return _finding(
            "divergence",
            metric,
            e[0],
            e[-1],
            f"{metric} rose from {_num(v[0])} to {_num(v[-1])}, up on "
            f"{_share(rises)} of epochs: training diverges",
            "high",
            {"first": v[0], "last": v[-1], "rising_share": rises},
        )
    if v[-1] < 0 and abs(v[-1]) > t.blowup / 1000 * max(abs(v[0]), 1.0):
        # a loss with no floor (a log-likelihood of a density, a missing
        # sign) running off to minus infinity
        return _finding(
            "divergence",
            metric,
            e[0],
            e[-1],
            f"{metric} fell from {_num(v[0])} to {_num(v[-1])} with no floor: "
            "the loss is unbounded below",
            "high",
            {"first": v[0], "last": v[-1]},
        )
    # Training that got somewhere and then lost it for good: the last
    # epochs all give back most of the progress.
    if game:
        return None
    back = dict(_setbacks(v, t))
    tail = [back.get(i, 0.0) for i in range(n - 2, n)]
    best = min(range(n), key=v.__getitem__)
    if n >= t.trend_epochs and best <= n - 3 and min(tail) >= t.setback:
        return _finding(
            "divergence",
            metric,
            e[best + 1],
            e[-1],
            f"{metric} fell to {_num(v[best])} at epoch {e[best] + 1}, then "
            f"climbed back to {_num(v[-1])}, giving back {_share(tail[-1])} "
            "of its progress: training diverged",
            "high" if min(tail) >= 0.8 else "medium",
            {"best": v[best], "last": v[-1], "given_back": tail[-1]},
        )
    return None


def _spike(
    metric: str,
    e: list[int],
    v: list[float],
    val: tuple[list[int], list[float]] | None,
    t: Thresholds,
) -> Finding | None:
    """A training loss that leaps by an order of magnitude over where it
    started and over its usual high, then comes back, with the validation
    loss leaping too: the weights blew up for a while. (Before any
    progress, so ``_setbacks`` cannot see it.) Without a validation loss to
    confirm it, one leap may be a bad batch."""
    if len(v) < t.trend_epochs or min(v) <= 0 or not val or not val[1]:
        return None
    i = max(range(len(v)), key=v.__getitem__)
    rest = sorted(v[:i] + v[i + 1 :])
    usual = max(v[0], rest[int(0.9 * (len(rest) - 1))])
    if v[i] < t.spike * usual or i == len(v) - 1 or v[-1] > v[i] / t.spike:
        return None
    near = [x for ep, x in zip(*val) if abs(ep - e[i]) <= 1]
    if not near or max(near) < t.spike * median(val[1]):
        return None
    return _finding(
        "unstable",
        metric,
        e[i],
        e[i],
        f"{metric} leaps to {_num(v[i])} at epoch {e[i] + 1}, "
        f"{v[i] / usual:.0f} times its usual level, as validation leaps too, "
        "before coming back: the learning rate is likely too high (or needs "
        "a warm-up)",
        "high",
        {"peak": v[i], "usual": usual},
    )


def _unstable(
    metric: str,
    e: list[int],
    v: list[float],
    val: tuple[list[int], list[float]] | None,
    t: Thresholds,
    phases: Collection[int] = (),
) -> Finding | None:
    # (A validation loss that falls to about zero, as a test loss of a
    # solved task can, gives no scale to compare with.)
    if (
        val is not None
        and val[1]
        and min(v) > 0
        and median(val[1]) > 1e-3 * abs(val[1][0])
    ):
        ratio = median(v) / median(val[1])
        if ratio > t.blowup:
            # An epoch mean a million times the validation loss comes from a
            # few batches whose loss exploded.
            return _finding(
                "unstable",
                metric,
                e[0],
                e[-1],
                f"{metric} averages {_num(median(v))}, {ratio:.2g} times the "
                "validation loss: some batches blow up; the learning rate is "
                "likely too high",
                "high",
                {"train_over_val": ratio},
            )
    if len(v) < t.trend_epochs or min(v) < 0:
        # (a loss below zero, such as a policy-gradient loss, has no
        # progress to measure setbacks against)
        return None
    serious = [(i, s) for i, s in _setbacks(v, t) if s >= t.setback]
    if not serious:
        return _swings(metric, e, v, val, t)
    if val is not None and len(val[1]) >= t.min_epochs:
        # A learning rate too high hurts the model, not just its training
        # numbers: validation loss jumps too. When it falls smoothly, the
        # jagged training curve is measurement (e.g. the last batch's loss).
        ve, vv = val
        vback = {ve[i]: s for i, s in _setbacks(vv, t)}
        serious = [
            (i, s)
            for i, s in serious
            if max(vback.get(e[i] + d, 0.0) for d in (-1, 0, 1)) >= t.setback / 2
        ]
        if not serious:
            return None
    serious = [
        (i, s) for i, s in serious if e[i] not in phases and e[i] - 1 not in phases
    ]
    if not serious:
        return None
    # Consecutive epochs above the best are one jump and its way back down.
    jumps: list[tuple[int, float]] = []
    previous = -2
    for i, share in serious:
        if i == previous + 1:
            jumps[-1] = (jumps[-1][0], max(jumps[-1][1], share))
        else:
            jumps.append((i, share))
        previous = i
    if val is None and len(jumps) == 1:
        # One jump that nothing else confirms, after which the loss gets
        # back down near its best: a bad batch, not a learning rate too high.
        i = jumps[0][0]
        low = min(v[:i])
        if min(v[serious[-1][0] + 1 :], default=math.inf) <= low + (v[i] - low) / 10:
            return None
    worst = max(s for _, s in jumps)
    if len(jumps) >= 2 or worst >= 1.0:
        confidence = "high"
    elif serious[-1][0] < len(v) - 1:
        confidence = "medium"
    else:
        confidence = "low"  # one last epoch: maybe the start of something
    first, given = jumps[0]
    times = f"{len(jumps)} time{'s' * (len(jumps) > 1)}"
    return _finding(
        "unstable",
        metric,
        e[first],
        e[serious[-1][0]],
        f"{metric} jumps back up {times} (at epoch {e[first] + 1}, giving back "
        f"{_share(given)} of its progress)"
        + (", and validation with it" if val is not None else "")
        + ": the learning rate is likely too high",
        confidence,
        {"setbacks": len(jumps), "worst_given_back": worst},
    )


def _swings(
    metric: str,
    e: list[int],
    v: list[float],
    val: tuple[list[int], list[float]] | None,
    t: Thresholds,
) -> Finding | None:
    """Training and validation loss going up and down together, epoch after
    epoch: each step overshoots. (A jagged training curve alone is often
    just the last batch's loss.)"""
    if val is None or val[0] != e or min(v) <= 0 or min(val[1]) <= 0:
        return None  # (swings are shares of a level: both need one)
    vv = val[1]
    rt, rv = _roughness(v), _roughness(vv)
    dt = [b - a for a, b in zip(v, v[1:])]
    dv = [b - a for a, b in zip(vv, vv[1:])]
    together = sum(a * b > 0 for a, b in zip(dt, dv)) / len(dt)
    flips = sum(a * b < 0 for a, b in zip(dt, dt[1:])) / (len(dt) - 1)
    if min(rt, rv) < t.swing or together < 0.7 or flips < 0.5:
        return None
    return _finding(
        "unstable",
        metric,
        e[0],
        e[-1],
        f"{metric} and its validation twin swing up and down together by about "
        f"{_share(min(rt, rv))} of their level ({_share(flips)} of epochs "
        "reverse): the learning rate is likely too high",
        "medium",
        {"swing": min(rt, rv), "reversals": flips, "together": together},
    )


def _accuracy_metric(run: Any, split_name: str) -> str | None:
    """The run's first accuracy metric of that split."""
    return next(
        (m for m in run if _role(m)[0] == split_name and _is_accuracy(_role(m)[1])),
        None,
    )


def _accuracy_points(run: Any, split_name: str) -> tuple[list[int], list[float]]:
    """The run's accuracy curve of that split, as a fraction, with epochs."""
    name = _accuracy_metric(run, split_name)
    if name is None:
        return [], []
    e, v = _finite(run.epochs, run[name])
    if v and max(v) > 1.5:  # logged in percent
        v = [x / 100 for x in v]
    return e, v


def _accuracy(run: Any, split_name: str) -> list[float]:
    """The run's accuracy curve of that split, as a fraction."""
    return _accuracy_points(run, split_name)[1]


def _at_best(acc: list[float]) -> bool:
    """Whether an accuracy curve ends (smoothed) at its best."""
    sa = _smooth(acc)
    return sa[-1] >= max(sa) - max(_noise(acc), 0.002)


def _still_learns(run: Any, epoch: int) -> bool:
    """Whether the validation accuracy beat, after ``epoch``, its best until
    then (by more than its noise): the model still gets better where it
    counts, whatever its loss does."""
    epochs, v = _accuracy_points(run, "validation")
    before = [x for e, x in zip(epochs, v) if e <= epoch]
    later = [x for e, x in zip(epochs, v) if e > epoch]
    if len(v) < 3 or not before or not later:
        return False
    return max(later) > max(before) + _noise(v)


def _seen(va: list[float], ref: float, tail: float) -> float:
    """How much of the chart's height a rise from ``ref`` to ``tail``
    takes, on a log scale, as a loss falling through decades is read."""
    span = math.log(max(va) / ref)
    return math.log(tail / ref) / span if span > 0 and tail > ref else 0.0


def _overfitting(run: Any, train: str, val: str, t: Thresholds) -> Finding | None:
    both = _rows(run, train, val)
    if len(both) < t.min_epochs:
        return None
    epochs = [x[0] for x in both]
    tr = _smooth([x[1] for x in both])
    va = [x[2] for x in both]
    sva = _smooth(va)
    best = min(range(len(va)), key=va.__getitem__)
    ref = va[best]
    after = len(va) - 1 - best
    # two epochs of steady rise are enough in a run too short for more;
    # in one too short for a noise scale (below), one epoch is all there is
    patience = min(t.patience, max(2, len(va) // 3)) if len(va) >= 5 else 1
    if after < patience or ref <= 0:
        return None
    # The noise scale: the whole curve's, or that of the epochs around the
    # best and after it when smaller. Each can be inflated: the whole by an
    # erratic start (a warm-up, a learning rate decayed later), the few
    # epochs after the best by the very rise in question.
    near = va[max(0, best - 3) :]
    noise = min(_noise(near), _noise(va)) if len(near) >= 5 else _noise(va)
    tail = median(va[-min(3, after) :])
    rise = tail / ref - 1
    # Validation must stand clear of its best by more than its own noise,
    # on most epochs since the best and at the end.
    level = ref * 1.02 + noise / 2
    above = sum(x > level for x in sva[best + 1 :])
    fell = (tr[best] - tr[-1]) / abs(tr[best]) if tr[best] else 0.0
    z = (tail - ref) / noise if noise > 0 else math.inf
    # ... and be seen on the chart: a share of the height the curve spans.
    seen = _seen(va, ref, tail)
    # Overfitting is a generalisation gap: validation ends above training.
    # (Validation below training, as dropout or augmentation make it, that
    # wobbles up from a lucky best, is not one.)
    gap = tail > median(x[1] for x in both[-3:])
    # A late rise small on a chart spanning decades still shows when it
    # climbs steadily to the run's end, far above a smooth curve's noise.
    # (Measured from the smoothed curve at the best: from one lucky low,
    # a flat, jittery curve seems to climb.)
    climbs = (
        after >= 5
        and tail >= sva[best] * (1 + 1.5 * t.overfit_rise)
        and tail - sva[best] >= 2 * t.signal * noise
        and sva[-1] >= max(sva[best + 1 :]) - noise
        and above >= 0.6 * after
    )
    # Validation below training can still overfit: when it climbs for good
    # over most of its height, no lucky best explains it.
    steady = (
        seen >= 0.5
        and tail >= sva[best] * (1 + 2 * t.overfit_rise)
        and tail - sva[best] >= 2 * t.signal * noise
        and above >= 0.8 * after
    )
    if fell < t.still_falls or (seen < t.overfit_seen and not climbs):
        return None
    if not (gap or steady):
        return None
    if (
        rise >= t.overfit_rise
        and z >= t.overfit_signal
        # and over the smoothed curve at the best, not only over the best:
        # the best of many rough epochs may be one lucky low
        and tail - sva[best] >= 2 * noise
        and above >= max(patience, 0.6 * after)
    ):
        confidence = "high" if rise >= 0.15 and z >= 2 * t.signal else "medium"
    elif (
        after >= 5
        and rise >= t.overfit_rise / 4
        and z >= 2 * t.signal
        and sum(x > ref + t.signal * noise for x in sva[best + 1 :]) >= 0.6 * after
    ):
        # a small rise, but steady and far above a smooth curve's noise
        confidence = "medium"
    elif (
        after >= 5
        and above >= 0.8 * after
        and tail >= sva[best] * (1 + 2 * t.overfit_rise)
        and median(va[best + 1 :]) >= sva[best] * (1 + t.overfit_rise)
        and tail - sva[best] >= 2 * noise
        and not _still_learns(run, epochs[best])
    ):
        # A rough validation curve: its rise less clear of the noise than
        # above, but lasting, measured from the smoothed curve at the best;
        # and the validation accuracy, if logged, has not improved since.
        confidence = "low"
    elif (
        len(va) < 7
        and run.status != "running"  # (3 epochs into a longer run: too soon)
        and va[-1] == max(va[best:])
        and va[-1] >= ref * (1 + 2 * t.overfit_rise)
    ):
        # too few epochs for a noise scale to trust (a fine-tune of 3 to 6
        # epochs: 1 to 4 second differences): the last is the worst since
        # the best, by twice the usual rise
        confidence = "low"
    else:
        return None
    acc = _accuracy(run, "validation")
    if len(acc) >= t.min_epochs:
        # Validation accuracy still at its best says the rise in loss is the
        # model growing confident on a few mistakes, not yet worse overall.
        if _at_best(acc) and confidence == "high":
            confidence = "medium"
    return _finding(
        "overfitting",
        val,
        epochs[best],
        epochs[-1],
        f"{val} +{_share(rise)} over its best ({_num(ref)} at epoch "
        f"{epochs[best] + 1}) for {after} epoch{'s' * (after > 1)} while {train} fell "
        f"{_share(fell)}: the model overfits",
        confidence,
        {
            "best_epoch": epochs[best] + 1,
            "best": ref,
            "val_rise": rise,
            "epochs_since_best": after,
            "train_fall": fell,
            "noise": noise,
            "seen": seen,
        },
    )


_REWARDS = {"reward", "rewards", "return", "returns"}


def _rewards(run: Any) -> list[str]:
    """A reinforcement-learning run's reward (return) curves, evaluation's
    first: how such a run is judged."""
    found = [m for m in run if _REWARDS & _tokens(m) and direction(m) != "min"]
    return sorted(found, key=lambda m: _role(m)[0] != "validation")


def _reward_stuck(run: Any, reward: str, t: Thresholds) -> Finding | None:
    """An agent that is not learning: over a long run its reward is no
    better at the end than at the start, and never was by much."""
    e, v = _finite(run.epochs, run[reward])
    # (Said of a run that has ended: an agent still exploring often earns
    # nothing for a long while before it learns.)
    if len(v) < 4 * t.trend_epochs or run.status == "running":
        return None
    k = max(2, len(v) // 5)
    head, tail = median(v[:k]), median(v[-k:])
    noise = _noise(v)
    # the best stretch of a fifth of the run (one lucky episode is not one)
    best = max(median(v[i : i + k]) for i in range(0, len(v) - k + 1, max(1, k // 5)))
    if tail > head + noise or best > head + 2 * noise:
        return None
    return _finding(
        "underfitting",
        reward,
        e[0],
        e[-1],
        f"{reward} is no better after {len(v)} epochs than at the start "
        f"({_num(head)} to {_num(tail)}): the agent is not learning",
        "high" if noise == 0 else "medium",
        {"first": head, "last": tail, "noise": noise},
    )


def _batch_findings(run: Any, t: Thresholds) -> list[Finding]:
    """A run too short for verdicts on its epochs (a one-epoch fine-tune)
    that logged its loss step by step: two readings that need no trend. A
    loss that has not changed at all (no weight is being updated), and one
    that blows up by three orders of magnitude over the best it reached (a
    step diverged)."""
    # (the table's own columns: no copy of every batch row on each live
    # diagnosis)
    losses = (
        (name, [x for x in column if x is not None and math.isfinite(x)])
        for name, column in run.batch_table.values.items()
        if _role(name)[0] == "train" and _is_loss(_role(name)[1]) and not _is_game(name)
    )
    name, v = next(
        ((n, v) for n, v in losses if len(v) >= 4 * t.trend_epochs), ("", [])
    )
    if not v:
        return []
    epochs = run.epochs or [0]
    if max(v) - min(v) <= 1e-9 * max(1.0, abs(v[0])):
        return [
            _finding(
                "underfitting",
                name,
                epochs[0],
                epochs[-1],
                f"{name} is {_num(v[0])} at every one of its {len(v)} logged "
                "steps: no weight is being updated (frozen layers, a "
                "learning rate of zero, no gradient)",
                "high",
                {"value": v[0], "steps": len(v)},
            )
        ]
    low = v[0]
    for i, x in enumerate(v[1:], start=1):
        if 0 < low < v[0] / 100 and x >= 1000 * low:
            return [
                _finding(
                    "unstable",
                    name,
                    epochs[0],
                    epochs[-1],
                    f"{name} blew up to {_num(x)} at logged step {i + 1}, "
                    f"{x / low:.2g} times the {_num(low)} it had reached: "
                    "the learning rate is likely too high, or inputs or "
                    "targets are not scaled",
                    "high",
                    {"low": low, "spike": x, "ratio": x / low},
                )
            ]
        low = min(low, x)
    return []


def _lone_rise(run: Any, val: str, t: Thresholds) -> Finding | None:
    """Overfitting read from a validation loss logged without its training
    twin: it improved to a best, then climbs for good, far above its noise,
    over most of its height. (With no training curve to show it falling,
    a climb that steady is read as overfitting, and said so.)"""
    e, va = _finite(run.epochs, run[val])
    if len(va) < 2 * t.trend_epochs or min(va) <= 0:
        return None
    sva = _smooth(va)
    best = min(range(len(sva)), key=sva.__getitem__)
    after = len(va) - 1 - best
    ref, tail = sva[best], median(va[-3:])
    noise = _noise(va)
    seen = _seen(va, ref, tail)
    climbing = sum(b >= a for a, b in zip(sva[best:], sva[best + 1 :]))
    if (
        best == 0  # never improved: no best to overfit from
        or after < max(t.trend_epochs, len(va) // 3)
        or tail < ref * (1 + 2 * t.overfit_rise)
        or tail - ref < 2 * t.signal * noise
        or seen < 0.3
        or climbing < 0.8 * after
    ):
        return None
    rise = tail / ref - 1
    return _finding(
        "overfitting",
        val,
        e[best],
        e[-1],
        f"{val} +{_share(rise)} over its best ({_num(va[best])} at epoch "
        f"{e[best] + 1}), climbing for {after} epochs (no training loss logged "
        "to compare): the model likely overfits",
        "medium",
        {
            "best_epoch": e[best] + 1,
            "best": va[best],
            "val_rise": rise,
            "epochs_since_best": after,
            "noise": noise,
        },
    )


def _memorises(run: Any, train: str, val: str, t: Thresholds) -> Finding | None:
    """Overfitting as a gap that never closes: training accuracy far above
    validation accuracy at the end, and a validation loss no better at the
    end than at the start while the training loss fell. (No best to rise
    from: the model memorised from the first epochs on.)"""
    ta, va_acc = _accuracy(run, "train"), _accuracy(run, "validation")
    rows = _rows(run, train, val)
    if len(rows) < t.trend_epochs or len(ta) < 3 or len(va_acc) < 3:
        return None
    fits, holds = median(ta[-3:]), median(va_acc[-3:])
    gap = fits - holds
    tr = [r[1] for r in rows]
    va = [r[2] for r in rows]
    head, tail = median(va[:3]), median(va[-3:])
    fell = (median(tr[:3]) - median(tr[-3:])) / abs(median(tr[:3]))
    if gap < 0.2 or tail < head or fell < 0.2 or tail <= median(tr[-3:]):
        return None
    epochs = [r[0] for r in rows]
    return _finding(
        "overfitting",
        val,
        epochs[0],
        epochs[-1],
        f"accuracy ends at {_num(fits)} in training and {_num(holds)} in "
        f"validation, and {val} is no better than at the start ({_num(head)} to "
        f"{_num(tail)}) while {train} fell {_share(fell)}: the model memorises "
        "its training data",
        "medium",
        {
            "train_accuracy": fits,
            "val_accuracy": holds,
            "accuracy_gap": gap,
            "val_start": head,
            "val_end": tail,
            "train_fall": fell,
        },
    )


def _score_metric(run: Any) -> str | None:
    """The validation metric a run without a validation loss is judged by:
    its accuracy, else its first score where higher is better (F1, AUC,
    Dice, ...)."""
    return _accuracy_metric(run, "validation") or next(
        (m for m in run if _role(m)[0] == "validation" and direction(m) == "max"),
        None,
    )


def _score_improved(run: Any) -> bool:
    """Whether the validation score (accuracy, F1, IoU, ...) clearly rose
    over the run: by half its starting value and by a tenth of the scale
    (read as a fraction when it is one, or a percentage). A loss that barely
    moved while the score grew so is on an odd scale; the model learns."""
    name = _score_metric(run)
    if name is None:
        return False
    _, v = _finite(run.epochs, run[name])
    if len(v) < 3:
        return False
    sv = _smooth(v)
    scale = 100.0 if max(v) > 1.5 and max(v) <= 100 else 1.0
    return max(sv) >= 1.5 * sv[0] and (max(sv) - sv[0]) / scale >= 0.1


def _score_overfitting(run: Any, train: str, t: Thresholds) -> Finding | None:
    """Overfitting read from a validation score when no validation loss is
    logged (a hand-written loop printing the training loss and validation
    accuracy): the score falls from its best, clearly and for good, while
    the training loss goes on falling. The same tests as for a loss, turned
    over; confidence one step lower, a score being coarser than a loss."""
    name = _score_metric(run)
    if name is None:
        return None
    rows = _rows(run, train, name)
    if len(rows) < 6:
        return None
    epochs = [r[0] for r in rows]
    tr = _smooth([r[1] for r in rows])
    sc = [r[2] for r in rows]
    ssc = _smooth(sc)
    best = max(range(len(sc)), key=sc.__getitem__)
    ref, after = sc[best], len(sc) - 1 - best
    if after < t.patience or ref <= 0:
        return None
    noise = _noise(sc)
    tail = median(sc[-min(3, after) :])
    drop = 1 - tail / ref
    level = ref * 0.98 - noise / 2
    below = sum(x < level for x in ssc[best + 1 :])
    fell = (tr[best] - tr[-1]) / abs(tr[best]) if tr[best] else 0.0
    span = ref - min(sc)
    seen = (ref - tail) / span if span > 0 else 0.0
    if (
        fell < t.still_falls
        or seen < t.overfit_seen
        or drop < t.overfit_rise
        or ref - tail < t.overfit_signal * noise
        or ssc[best] - tail < 2 * noise
        or below < max(t.patience, 0.6 * after)
    ):
        return None
    confidence = (
        "medium" if drop >= 0.15 and ref - tail >= 2 * t.signal * noise else "low"
    )
    return _finding(
        "overfitting",
        name,
        epochs[best],
        epochs[-1],
        f"{name} -{_share(drop)} from its best ({_num(ref)} at epoch "
        f"{epochs[best] + 1}) for {after} epoch{'s' * (after > 1)} while {train} "
        f"fell {_share(fell)}: the model overfits",
        confidence,
        {
            "best_epoch": epochs[best] + 1,
            "best": ref,
            "val_drop": drop,
            "epochs_since_best": after,
            "train_fall": fell,
            "noise": noise,
            "seen": seen,
        },
    )


# Scores of generated text or speech: a run judged by them is no classifier,
# and its per-token loss near some ln K says nothing about guessing.
_GENERATION = {"rouge", "rouge1", "rouge2", "rougel", "rougelsum", "bleu", "sacrebleu"}
_GENERATION |= {"meteor", "wer", "cer", "perplexity", "ppl", "gen_len", "chrf"}


def _generates(run: Any) -> bool:
    return any(_GENERATION & _tokens(name) for name in run)


def _chance_level(run: Any, v: list[float], t: Thresholds) -> tuple[int, str] | None:
    """(K, where K came from) when the loss sits near ln K and accuracy (if
    logged) near chance: no better than guessing among K classes."""
    if _generates(run):
        return None
    level = median(v[-3:])
    accs = [a for a in (_accuracy(run, "validation"), _accuracy(run, "train")) if a]
    acc = median(accs[0][-3:]) if accs else None
    candidates: list[tuple[int, str]] = []
    if acc is not None:
        if 0 < acc <= 0.55:
            candidates.append((round(1 / acc), "accuracy"))
        if acc <= 0.65:
            candidates.append((2, "binary accuracy"))
    else:
        # K from the starting loss only where it tells: the loss starts at
        # ln K itself, and K is small enough that the values ln K and
        # ln (K + 1) lie further apart than the tolerance (K ln K < 1 /
        # (2 chance): K up to 5); past that, every loss is near some ln K.
        k = round(math.exp(v[0])) if math.log(1.5) < v[0] < math.log(100) else 0
        if (
            2 <= k
            and k * math.log(k) < 1 / (2 * t.chance)
            and abs(v[0] - math.log(k)) <= t.chance * math.log(k)
        ):
            candidates.append((k, "starting loss"))
    for k, source in candidates:
        if k >= 2 and abs(level - math.log(k)) <= t.chance * math.log(k):
            return k, source
    return None


def _one_class(run: Any, t: Thresholds) -> tuple[str, float, int] | None:
    """(metric, value, epochs) when the validation accuracy (else the
    training accuracy) has not changed at all over the last epochs, at
    least `trend_epochs` and half the run, short of perfect, and training
    accuracy is no better."""
    name = _accuracy_metric(run, "validation") or _accuracy_metric(run, "train")
    if name is None:
        return None
    acc = _accuracy(run, _role(name)[0])
    if len(acc) < t.trend_epochs:
        return None
    count = 1
    while count < len(acc) and abs(acc[-count - 1] - acc[-1]) < 1e-9:
        count += 1
    train = _accuracy(run, "train")
    if (
        count >= max(t.trend_epochs, len(acc) / 2)
        and 0 < acc[-1] < 0.999  # (a share of a class is never 0: a placeholder)
        and (not train or median(train[-3:]) <= acc[-1] + 0.02)
    ):
        return name, acc[-1], count
    return None


def _moving(v: list[float], t: Thresholds) -> bool:
    """Whether the curve still falls clearly over its last third."""
    sv = _smooth(v)
    late = max(2, len(v) // 3)
    still = sv[-late] - sv[-1]
    return still > t.signal * _noise(v) and still > 0.03 * abs(sv[-1])


def _steady_fall(v: list[float], t: Thresholds) -> bool:
    """Whether a validation loss fell at every evaluation, by half the
    share a loss that barely moves stays under: a model still learning,
    slowly (a fine-tune starts near its floor), is not stuck."""
    steps = list(zip(v, v[1:]))
    return (
        len(steps) >= 4
        and all(b <= a for a, b in steps)
        and (v[0] - v[-1]) / v[0] >= t.underfit_drop / 2
    )


def _underfitting(
    run: Any, train: str, val: str | None, t: Thresholds
) -> Finding | None:
    e, v = _finite(run.epochs, run[train])
    if len(v) < t.min_epochs or v[0] <= 0:
        return None
    acc = _accuracy(run, "validation") or _accuracy(run, "train")
    if acc and median(acc[-3:]) >= 0.9:
        return None  # a fine model on an odd loss scale
    curves = [(train, e, v)]
    if val is not None:
        ve, vv = _finite(run.epochs, run[val])
        if len(vv) >= t.min_epochs and vv[0] > 0:
            curves.insert(0, (val, ve, vv))
    # A classifier at chance: the validation (or training) loss flat at ln K,
    # and the training loss not far below it (that model fits its training
    # data and fails to generalise: overfitting, not underfitting).
    for name, ce, cv in curves:
        chance = _chance_level(run, cv, t)
        if chance and median(v[-3:]) < 0.7 * math.log(chance[0]):
            continue
        if chance and not _moving(cv, t):
            k, source = chance
            level = median(cv[-3:])
            return _finding(
                "underfitting",
                name,
                ce[0],
                ce[-1],
                f"{name} stays at {_num(level)}, about ln {k} = "
                f"{_num(math.log(k))}: no better than guessing among {k} classes "
                f"(K from the {source}); the model underfits",
                "high" if len(cv) >= 5 else "medium",
                {"loss": level, "chance_loss": math.log(k), "classes": k},
            )
    # A classifier that has learned little: its training loss still most of
    # the way from ln K (where it starts, guessing among K classes) to zero,
    # and its accuracy low. Said of a run that has ended: while it trains,
    # that is where every run starts.
    if (
        acc
        and run.status != "running"
        and len(v) >= t.trend_epochs
        and math.log(3) < v[0] < math.log(100_000)
    ):
        k = round(math.exp(v[0]))
        last = median(v[-3:])
        final_acc = median(acc[-3:])
        # (a training accuracy well above it: the model learned its
        # training data, and overfits instead)
        fits = _accuracy(run, "train")
        if fits and median(fits[-3:]) > 0.5:
            final_acc = max(final_acc, median(fits[-3:]))
        if last >= t.learned_little * v[0] and final_acc <= 0.5:
            return _finding(
                "underfitting",
                train,
                e[0],
                e[-1],
                f"{train} is still {_share(last / v[0])} of where it started "
                f"({_num(v[0])}, about ln {k}: guessing among {k} classes) and "
                f"accuracy is {_num(final_acc)} after {len(v)} epochs: the model "
                "has learned little",
                "medium",
                {"first": v[0], "last": last, "accuracy": final_acc, "classes": k},
            )
    # A classifier answering one class: its accuracy the same to the last
    # digit, epoch after epoch (the share of the most common class), in
    # validation and training alike.
    frozen = _one_class(run, t)
    if frozen is not None:
        name, value, count = frozen
        return _finding(
            "underfitting",
            name,
            e[0],
            e[-1],
            f"{name} has been exactly {_num(value)} for {count} epochs: the model "
            "answers the same class whatever the input; it underfits",
            "high",
            {"accuracy": value, "epochs": count},
        )
    # A loss that has barely moved, in training and validation alike, and
    # no validation score that rose to say the model learns all the same.
    if len(v) < t.trend_epochs or _score_improved(run):
        return None
    drops = [(cv[0] - _smooth(cv)[-1]) / cv[0] for _, _, cv in curves]
    if (
        max(drops) >= t.underfit_drop
        or (curves[0][0] == val and _steady_fall(curves[0][2], t))
        or min(drops) <= -t.underfit_drop  # it rose: not a loss sitting still
        or any(_moving(cv, t) for _, _, cv in curves)
    ):
        return None
    last = _smooth(v)[-1]
    return _finding(
        "underfitting",
        train,
        e[0],
        e[-1],
        f"{train} fell only {_share(max(drops[-1], 0.0))} over {len(v)} epochs "
        f"({_num(v[0])} to {_num(last)}) and has stopped moving: the model "
        "underfits",
        "high" if len(v) >= 10 else "medium",
        {"first": v[0], "last": last, "fall": drops[-1]},
    )


def _plateau(
    metric: str,
    e: list[int],
    v: list[float],
    train: tuple[str, list[int], list[float]] | None,
    t: Thresholds,
) -> Finding | None:
    """The validation loss frozen: over the last stretch it stays within a
    band of `flat` of its level (a healthy converged curve wobbles more),
    while the training loss still falls by `underfit_drop` (training goes
    on; with both flat the run has converged, or stopped learning)."""
    n = len(v)
    stretch = max(t.plateau_epochs, math.ceil(t.plateau_share * n))
    if n < stretch + 2:
        return None
    tail = v[-stretch:]
    level = median(tail)
    if level <= 0:
        return None
    band = (max(tail) - min(tail)) / level
    if band > t.flat:
        return None
    start = n - stretch  # walk back to where the band began
    while start > 0 and abs(v[start - 1] - level) <= t.flat * level:
        start -= 1
    fell = None
    if train is not None:
        _, te, tv = train
        during = _smooth([x for ep, x in zip(te, tv) if ep >= e[start]])
        if len(during) >= 2 and during[0] > 0:
            fell = (during[0] - during[-1]) / during[0]
            # ... and visibly: a share of the height its chart spans (a
            # converged run still creeping down is resting at its floor)
            span = math.log(max(tv) / min(tv)) if min(tv) > 0 else 0.0
            seen = (
                math.log(during[0] / during[-1]) / span
                if during[-1] > 0 and span
                else 0.0
            )
            if fell < t.underfit_drop or seen < t.plateau_seen:
                return None
    return _finding(
        "plateau",
        metric,
        e[start],
        e[-1],
        f"{metric} has stayed within {_share(band)} of {_num(level)} for "
        f"{n - start} of {n} epochs"
        + (f" while {train[0]} fell {_share(fell)}" if fell is not None else ""),
        "medium",
        {"level": level, "band": band, "epochs": n - start}
        | ({"train_fall": fell} if fell is not None else {}),
    )


def _roughness(v: list[float]) -> float:
    level = median(abs(x) for x in v)
    return _noise(v) / level if level > 0 else 0.0


def _noisy_validation(run: Any, train: str, val: str, t: Thresholds) -> Finding | None:
    _, tr = _finite(run.epochs, run[train])
    e, va = _finite(run.epochs, run[val])
    if len(va) < t.min_epochs or len(tr) < t.min_epochs:
        return None
    rv, rt = _roughness(va), _roughness(tr)
    if rv < t.rough or rv < t.noisy_ratio * rt:
        return None
    return _finding(
        "noisy_validation",
        val,
        e[0],
        e[-1],
        f"{val} jumps by about {_share(rv)} of its level from epoch to epoch, "
        f"{train} by {_share(rt)}: the validation set may be small; smoothing "
        "shows the trend",
        "medium",
        {"val_noise": rv, "train_noise": rt},
    )


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
        return findings + _batch_findings(run, t)
    # Metrics a finding already explains get no second verdict.
    covered = {f.metric for f in findings}
    pairs = _loss_pairs(run)
    rewards = _rewards(run)
    # An agent's losses chase moving targets (bootstrapped values, a
    # policy's own samples): their jumps are read like a game's.
    adversary = bool(rewards) or any(_ADVERSARY & _tokens(name) for name in run)
    phases = _phase_starts(run)
    total = _falling_total(run, pairs)
    alone = _validation_only(run)
    for train, val in pairs:
        if train in covered:
            continue
        e, v = _finite(run.epochs, run[train])
        if len(v) < t.min_epochs:
            continue
        twin = _finite(run.epochs, run[val]) if val and val not in covered else None
        # A term of a falling total rises and jumps as the optimiser trades
        # it off against the others: neither divergence nor instability.
        term = total not in (None, train)
        found = None if term else _divergence(train, e, v, t, game=adversary)
        # (A generator's loss swings as its adversary learns: no instability.)
        if not found and not adversary and not term:
            if spike := _spike(train, e, v, twin, t):
                # A blow-up of a few steps does not explain how the rest of
                # the run went: the other checks still read it.
                findings.append(spike)
            else:
                found = _unstable(train, e, v, twin, t, phases)
        if not found and twin:
            found = _overfitting(run, train, val, t) or _memorises(run, train, val, t)
        elif not found and not val and not alone:
            found = _score_overfitting(run, train, t)
        if not found:
            found = _underfitting(run, train, twin and val, t)
        if found:
            findings.append(found)
            covered.update({train, val} - {None})
    if rewards and not any(f.kind == "underfitting" for f in findings):
        if found := _reward_stuck(run, rewards[0], t):
            findings.append(found)
    for val in alone:
        if val not in covered and (found := _lone_rise(run, val, t)):
            findings.append(found)
            covered.add(val)
            break
    for train, val in pairs:
        if val:
            found = _noisy_validation(run, train, val, t)
            if found:
                findings.append(found)
                break
    if any(f.severity != "info" for f in findings):
        return findings  # a stall there is explained already
    return findings + _plateaus(run, pairs, covered, t)


def _plateaus(
    run: Any, pairs: list[tuple[str, str | None]], covered: set[str], t: Thresholds
) -> list[Finding]:
    """At most one plateau: on the first validation loss."""
    losses = [va for _, va in pairs if va] + _validation_only(run)
    if not losses or losses[0] in covered:
        return []
    e, v = _finite(run.epochs, run[losses[0]])
    twin = next((tr for tr, va in pairs if va == losses[0]), None)
    train = (twin, *_finite(run.epochs, run[twin])) if twin else None
    found = _plateau(losses[0], e, v, train, t)
    return [found] if found else []
