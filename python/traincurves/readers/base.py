"""What every log reader shares: its interface, its errors, its notes.

A reader is a module with two functions:

``sniff(path: Path) -> bool``
    cheap: whether the file or folder looks like its format, judged by
    content (the first bytes, the header, the folder's entries), not by name.
``read(path: Path) -> list[Run]``
    every run it holds, in order. Raises :class:`LoadError` when it can read
    nothing; reports what it skipped of a file it read in part with
    :func:`skipped`, once per file.
"""

from __future__ import annotations

import os
import warnings


class LoadError(ValueError):
    """A log that cannot be read: names the file and, where known, the line."""

    def __init__(
        self, path: str | os.PathLike[str], message: str, line: int | None = None
    ) -> None:
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


class LoadWarning(UserWarning):
    """Part of a log was left out; the rest was read."""


def skipped(path: str | os.PathLike[str], what: list[str]) -> None:
    """Say once, for one file, everything a reader left out of it."""
    if what:
        warnings.warn(
            f"{path}: read in part; left out {'; '.join(what)}",
            LoadWarning,
            stacklevel=3,
        )
