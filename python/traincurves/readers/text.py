"""Bytes to text and text to values, as the log readers need them.

Logs come from many hands: UTF-8 with or without a byte-order mark, UTF-16
from a Windows shell redirect, Latin-1 from an old editor; cells spelled
``NA``, ``None``, ``nan``, ``1,5`` (a decimal comma) or ``tensor(0.52)``
(a tensor written with ``str``).
"""

from __future__ import annotations

import codecs
import math
import re
from pathlib import Path

from .base import LoadError

HEAD = 8192  # bytes a sniffer looks at

# A cell that says "no value here"; NaN is a value (a loss that diverged).
MISSING = frozenset({"", "na", "n/a", "none", "null", "nil", "-", "--", "?", "missing"})
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?(nan|inf|infinity)")
# str(torch.tensor(0.5)) and numpy's one-element arrays: "tensor(0.5000)",
# "tensor(0.5, device='cuda:0', grad_fn=...)", "[0.5]".
_WRAPPED = re.compile(
    r"^(?:tensor\(\s*([^,\s)]+)\s*(?:,\s*\w+\s*=.*)?\)|\[\s*([^,\s\]]+)\s*\])$",
    re.DOTALL,
)
# A list of numbers in one cell: Keras' per-class metrics (F1Score with
# average=None) as CSVLogger writes them, "[0.1, 0.5]" or "[0.1 0.5]".
_VECTOR = re.compile(r"^\[([^\[\]]*)\]$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")


def head(path: Path, size: int = HEAD) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def is_binary(data: bytes) -> bool:
    """Whether these first bytes of a file are not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\0" in data


def head_text(path: Path) -> str | None:
    """The first few KB of a file as text; None for a binary file."""
    data = head(path)
    if is_binary(data):
        return None
    try:
        return data.decode(_encoding(data))
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 4:  # cut inside a character
            return data[: error.start].decode(_encoding(data), errors="replace")
        return data.decode("latin-1")


def read_text(path: Path) -> str:
    """A whole text file; a binary one is a LoadError naming it."""
    data = path.read_bytes()
    if is_binary(data[:HEAD]):
        raise LoadError(path, "a binary file, not a text log")
    encoding = _encoding(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def cell(text: str) -> float | str | None:
    """A cell as a number, None (no value) or text (not a number)."""
    try:
        return float(text)  # the common case, first: it is most cells
    except ValueError:
        pass
    text = text.strip().strip('"').strip()
    if text.lower() in MISSING:
        return None
    if _NUMBER.fullmatch(text.lower()):
        return float(text)
    found = _WRAPPED.match(text)
    if found:
        inner = found.group(1) or found.group(2)
        if _NUMBER.fullmatch(inner.lower()):
            return float(inner)
    if _DECIMAL_COMMA.match(text):
        return float(text.replace(",", "."))
    return text


def vector(text: str) -> list[float] | None:
    """The numbers of a cell holding a list of them, or None."""
    found = _VECTOR.match(text.strip().strip('"').strip())
    if not found:
        return None
    parts = [p for p in re.split(r"[,\s]+", found.group(1)) if p]
    if len(parts) < 2 or not all(_NUMBER.fullmatch(p.lower()) for p in parts):
        return None
    return [float(p) for p in parts]


def json_value(value: object) -> float | str | None:
    """A value from a JSON document as :func:`cell` reads a CSV cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return cell(value)
    return None


def is_whole(value: float) -> bool:
    return math.isfinite(value) and value == int(value)
