"""Turning what users log into floats, with errors that name the metric."""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping
from typing import Any


def describe(value: Any) -> str:
    """A short, safe description of a value for error messages."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def to_float(value: Any, metric: str, where: str) -> float | None:
    """One logged value as a float; ``None`` stays ``None`` (not logged).

    Accepts Python and numpy numbers, 0-d arrays and one-element tensors.
    NaN and infinities are kept: the run records them, the payload shows
    them as gaps.
    """
    if value is None:
        return None
    if isinstance(value, (bool, str, bytes)) or type(value).__name__ == "bool_":
        raise TypeError(
            f"metric {metric!r} {where} is {describe(value)}; expected a number"
        )
    if isinstance(value, (int, float)):
        return float(value)
    size = getattr(value, "size", None)
    if callable(size):  # torch tensors expose size() as a method
        size = value.numel() if hasattr(value, "numel") else None
    if isinstance(value, (list, tuple, set, Mapping)) or (
        size is not None and size != 1
    ):
        raise TypeError(
            f"metric {metric!r} {where} is {describe(value)}; expected a single "
            "number, not a collection"
        )
    try:
        if hasattr(value, "item"):
            value = value.item()
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"metric {metric!r} {where} is {describe(value)}; expected a number"
        ) from None


def nonfinite_kind(value: float) -> str | None:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return None


def _fits_float32(value: float) -> bool:
    try:
        return struct.unpack("f", struct.pack("f", value))[0] == value
    except OverflowError:
        return False


def compact(value: float | None) -> float | None:
    """The value as written in the payload: ``None`` for missing or non-finite.

    Keras hands over float32 metrics widened to float64 (``0.23456789553...``);
    writing the shortest decimal that reads back as the same float32 keeps
    every bit the model produced at about half the bytes.
    """
    if value is None or not math.isfinite(value):
        return None
    if value == 0 or not _fits_float32(value):
        return value
    for digits in range(6, 10):
        short = float(f"{value:.{digits}g}")
        if struct.unpack("f", struct.pack("f", short))[0] == value:
            return short
    return value
