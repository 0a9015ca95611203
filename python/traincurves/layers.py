"""Distributions of a layer's activations or weights, summarised per epoch.

A tensor never goes into the payload: each epoch it is reduced to a fixed
number of histogram bins over its own range, seven quantiles and the shares
of exact zeros (dead ReLUs) and non-finite values. The panel draws the
quantiles as bands over epochs and the histograms as a heat map.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Any

from .values import compact, describe

BINS = 30
QUANTILES = ("min", "p5", "p25", "p50", "p75", "p95", "max")
_LEVELS = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
# What a distribution is of: a layer's outputs on the sample, one of its
# weights, or its gradient norms over the steps of an epoch.
KINDS = ("activations", "weights", "gradients")

# What one layer's summary of one epoch costs in the payload, about.
BYTES_PER_SUMMARY = 300

# A layer is flagged dead when more than this share of its values is exactly
# zero, and exploding when its 95 % quantile (in magnitude) grew this much.
DEAD_SHARE = 0.5
EXPLODE_FACTOR = 10.0


@dataclass(frozen=True)
class Summary:
    """One tensor, summarised."""

    size: int
    quantiles: tuple[float, ...] | None  # None when no value is finite
    zeros: float
    nonfinite: float
    low: float | None  # the histogram's range: the finite min and max
    high: float | None
    counts: tuple[int, ...]


def summarise(values: Any, bins: int = BINS) -> Summary:
    """Summarise any array-like (numpy, torch, Keras tensor, nested lists)."""
    import numpy as np

    array = _as_numpy(values)
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(
        array.dtype, np.complexfloating
    ):
        raise TypeError(f"expected real numbers, got an array of {array.dtype}")
    flat = array.astype(np.float64, copy=False).ravel()
    size = int(flat.size)
    if size == 0:
        raise ValueError("cannot summarise an empty tensor")
    finite = flat[np.isfinite(flat)]
    zeros = float(np.count_nonzero(flat == 0)) / size
    nonfinite = 1.0 - finite.size / size
    if finite.size == 0:
        return Summary(size, None, zeros, nonfinite, None, None, (0,) * bins)
    # Diverged values near the float range overflow the quantile
    # interpolation and the histogram's bin width: work on a scaled copy.
    scale = float(np.max(np.abs(finite)))
    scale = scale if scale > 1e300 else 1.0
    work = finite / scale if scale != 1.0 else finite
    quantiles = tuple(float(q) * scale for q in np.quantile(work, _LEVELS))
    counts, _ = np.histogram(work, bins=bins, range=(work.min(), work.max()))
    low, high = quantiles[0], quantiles[-1]
    return Summary(
        size, quantiles, zeros, nonfinite, low, high, tuple(int(c) for c in counts)
    )


def _as_numpy(values: Any) -> Any:
    import numpy as np

    if hasattr(values, "detach"):  # torch: no autograd graph, on the CPU
        values = values.detach().cpu()
        if str(values.dtype) == "torch.bfloat16":
            values = values.float()
        return values.numpy()
    if not isinstance(values, np.ndarray):
        try:
            import keras

            values = keras.ops.convert_to_numpy(values)
        except Exception:  # no Keras, or not one of its tensors
            pass
    try:
        return np.asarray(values)
    except Exception as error:
        raise TypeError(f"cannot read {describe(values)} as an array") from error


@dataclass
class Distribution:
    """How one layer's activations (or one weight) moved over the epochs."""

    name: str  # "dense_1", or "dense_1/kernel" for a weight
    kind: str = "activations"
    epochs: list[int] = field(default_factory=list)  # 0-based, as logged
    summaries: list[Summary] = field(default_factory=list)

    def add(self, epoch: int, summary: Summary) -> None:
        if epoch in self.epochs:  # logged again for an epoch: the newer wins
            self.summaries[self.epochs.index(epoch)] = summary
            return
        at = bisect.bisect(self.epochs, epoch)
        self.epochs.insert(at, epoch)
        self.summaries.insert(at, summary)

    def hints(self) -> list[dict[str, Any]]:
        """What a user should look at: a mostly dead layer, exploding values."""
        if not self.summaries:
            return []
        found = []
        last, epoch = self.summaries[-1], self.epochs[-1] + 1
        what = "activations" if self.kind == "activations" else "values"
        # Zeros in weights are no sign of trouble; dead units are.
        if self.kind == "activations" and last.zeros > DEAD_SHARE:
            found.append(
                {
                    "kind": "dead",
                    "epoch": epoch,
                    "message": f"{self.name}: {last.zeros:.0%} of {what} are "
                    f"exactly zero at epoch {epoch}",
                    "advice": "dead ReLUs: lower the learning rate, use LeakyReLU "
                    "or GELU, or He initialisation",
                }
            )
        bad = next((i for i, s in enumerate(self.summaries) if s.nonfinite > 0), None)
        if bad is not None:
            at = self.epochs[bad] + 1
            found.append(
                {
                    "kind": "exploding",
                    "epoch": at,
                    "message": f"{self.name}: NaN or infinite {what} from epoch {at}",
                    "advice": "lower the learning rate, clip gradients, or "
                    "normalise the inputs",
                }
            )
            return found
        spans = [_spread(s) for s in self.summaries]
        first = next((i for i, v in enumerate(spans) if v and v > 0), None)
        if first is not None:
            for i in range(first + 1, len(spans)):
                if spans[i] is not None and spans[i] >= EXPLODE_FACTOR * spans[first]:
                    at = self.epochs[i] + 1
                    found.append(
                        {
                            "kind": "exploding",
                            "epoch": at,
                            "message": f"{self.name}: 95 % quantile grew "
                            f"{spans[i] / spans[first]:.0f}x from epoch "
                            f"{self.epochs[first] + 1} to {at}",
                            "advice": "lower the learning rate, clip gradients, "
                            "or add normalisation",
                        }
                    )
                    break
        return found

    def to_payload(self, first: int = 1, limit: int | None = None) -> dict[str, Any]:
        """The payload form (see ``payload.py``): epochs shown from ``first``
        (run files keep them 0-based, as logged); at most ``limit`` epochs,
        evenly spread with the first and the last (a live update of a long
        run: the last update has them all)."""
        rows = range(len(self.epochs))
        if limit is not None and len(rows) > limit > 1:
            step = (len(rows) - 1) / (limit - 1)
            rows = sorted({round(i * step) for i in range(limit)})
        summaries = [self.summaries[i] for i in rows]
        epochs = [self.epochs[i] for i in rows]
        quantiles: dict[str, list[float | None]] = {q: [] for q in QUANTILES}
        for s in summaries:
            for q, value in zip(QUANTILES, s.quantiles or (None,) * len(QUANTILES)):
                quantiles[q].append(None if value is None else compact(value))
        return {
            "name": self.name,
            "kind": self.kind,
            "epochs": [e + first for e in epochs],
            "size": summaries[-1].size if summaries else 0,
            "quantiles": quantiles,
            "zeros": [round(s.zeros, 4) for s in summaries],
            "nonfinite": [round(s.nonfinite, 4) for s in summaries],
            "histogram": {
                "low": [None if s.low is None else compact(s.low) for s in summaries],
                "high": [
                    None if s.high is None else compact(s.high) for s in summaries
                ],
                "counts": [list(s.counts) for s in summaries],
            },
            "hints": self.hints(),
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any], first: int = 1) -> Distribution:
        """Read back what :meth:`to_payload` wrote."""
        distribution = cls(str(data["name"]), str(data.get("kind", "activations")))
        quantiles = data["quantiles"]
        histogram = data["histogram"]
        for i, epoch in enumerate(data["epochs"]):
            row = tuple(quantiles[q][i] for q in QUANTILES)
            distribution.epochs.append(int(epoch) - first)
            distribution.summaries.append(
                Summary(
                    size=int(data.get("size", 0)),
                    quantiles=None if any(v is None for v in row) else row,
                    zeros=float(data["zeros"][i]),
                    nonfinite=float(data["nonfinite"][i]),
                    low=histogram["low"][i],
                    high=histogram["high"][i],
                    counts=tuple(int(c) for c in histogram["counts"][i]),
                )
            )
        return distribution


def _spread(summary: Summary) -> float | None:
    if summary.quantiles is None:
        return None
    p5, p95 = summary.quantiles[1], summary.quantiles[5]
    value = max(abs(p5), abs(p95))
    return value if math.isfinite(value) else None
