"""CSV logs, whatever their name: Keras' ``CSVLogger`` (``training.log``),
pandas' ``DataFrame.to_csv``, hand-written loggers.

Recognised by content: a header of names, then rows of cells split by
``,``, ``;``, tab or runs of spaces, whichever splits the header and the
first rows alike. CRLF line endings, blank lines, ``#`` comment lines, a
pandas index column (an unnamed first column) and quoted cells are fine.
Rows that do not fit the header are left out with a note naming their
lines (when most rows do not, the error says so); how rows become runs is
``table.py``'s job.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from ..run import Run
from .base import LoadError, skipped
from .table import Table, runs_from_table
from .text import cell, head_text, read_text

_DELIMITERS = (",", ";", "\t", " ")
_SPACES = re.compile(r"\s+")


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the lines that hold something."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            found.append((number, line))
    return found


def _split(line: str, delimiter: str) -> list[str]:
    if delimiter == " ":
        return _SPACES.split(line.strip())
    return next(csv.reader(io.StringIO(line), delimiter=delimiter))


def _trimmed(fields: list[str], width: int) -> list[str]:
    """Fields beyond the header's that are empty (a trailing separator) go."""
    while len(fields) > width and not fields[-1].strip():
        fields = fields[:-1]
    return fields


def _delimiter(lines: list[tuple[int, str]]) -> str | None:
    """The separator that splits the header and the next rows alike."""
    header = lines[0][1]
    sample = [line for _, line in lines[1:21]]
    best, best_width = None, 1
    for delimiter in _DELIMITERS:
        if delimiter != " " and delimiter not in header:
            continue
        width = len(_split(header, delimiter))
        if width <= best_width:
            continue
        fits = sum(
            len(_trimmed(_split(line, delimiter), width)) == width for line in sample
        )
        if not sample or fits * 2 >= len(sample):
            best, best_width = delimiter, width
        if delimiter != " " and best == delimiter:
            break  # a real separator is preferred over spaces
    return best


def _looks_like_header(fields: list[str]) -> bool:
    names = [f.strip() for f in fields]
    return any(names) and not any(isinstance(cell(n), float) for n in names if n)


def misfit(path: Path) -> str | None:
    """Why a file that looks like a table is not read as one: most of its
    rows hold another number of cells than its header names (a logger that
    added a column to the rows and not the header), so no value can be
    matched to its name."""
    lines = _head_lines(path)
    if len(lines) < 2:
        return None
    for delimiter in _DELIMITERS[:-1]:
        if delimiter not in lines[0][1]:
            continue
        header = _split(lines[0][1], delimiter)
        if len(header) < 2 or not _looks_like_header(header):
            continue
        widths = Counter(
            len(_trimmed(_split(line, delimiter), len(header)))
            for _, line in lines[1:21]
        )
        width, count = widths.most_common(1)[0]
        if width not in (1, len(header)) and count * 2 >= sum(widths.values()):
            return (
                f"a table whose header names {len(header)} columns while its "
                f"rows hold {width} cells: which value belongs to which name "
                "cannot be told"
            )
    return None


def _head_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of the file's head that hold something, for a file that
    may be a table (not JSON); the last left out when the head cut it."""
    text = head_text(path) if path.is_file() else None
    if text is None:
        return []
    lines = _lines(text)
    if not lines or lines[0][1].lstrip()[:1] in ("{", "["):
        return []
    if not text.endswith(("\n", "\r")) and len(lines) > 2:
        lines = lines[:-1]  # the head may cut the last line short
    return lines


def sniff(path: Path) -> bool:
    lines = _head_lines(path)
    if not lines:
        return False
    delimiter = _delimiter(lines)
    header = _split(lines[0][1], delimiter or ",")
    if not _looks_like_header(header) or (delimiter is None and len(header) > 1):
        return False
    if len(lines) == 1:  # a header alone: a log whose run logged nothing yet
        return delimiter not in (None, " ")
    rows = [
        _trimmed(_split(line, delimiter or ","), len(header)) for _, line in lines[1:21]
    ]
    cells = [[cell(c) for c in row] for row in rows if len(row) == len(header)]
    if delimiter == " ":  # a table of numbers under its names, not prose
        return bool(cells) and all(not isinstance(c, str) for row in cells for c in row)
    # A column mostly of numbers: a log, not prose or code.
    return any(
        sum(isinstance(row[i], float) for row in cells) * 2 > len(cells)
        for i in range(len(header))
    )


def table(path: Path, text: str) -> Table:
    """The rows of a CSV log (see the module docstring)."""
    lines = _lines(text)
    if not lines:
        raise LoadError(path, "the file is empty")
    delimiter = _delimiter(lines) or ","
    first, header_line = lines[0]
    header = [h.strip().strip('"') for h in _split(header_line, delimiter)]
    width = len(header)
    raw: list[list[str]] = []
    numbers: list[int] = []
    breaks: set[int] = set()
    misfits: list[int] = []
    if delimiter == " ":
        split = (_split(line, " ") for _, line in lines[1:])
    else:  # one reader for every line: much faster than one per line
        split = csv.reader((line for _, line in lines[1:]), delimiter=delimiter)
    for (number, _), fields in zip(lines[1:], split):
        fields = _trimmed(fields, width)
        if [f.strip().strip('"') for f in fields] == header:
            breaks.add(len(raw))  # the header again: a run starts
            continue
        if len(fields) != width:
            misfits.append(number)
            continue
        raw.append(fields)
        numbers.append(number)
    columns: dict[str, list] = {}
    for index, name in enumerate(header):
        cells = [cell(row[index]) for row in raw]
        if not name:
            if index == 0 or all(c is None for c in cells):
                continue  # a pandas index, or a trailing separator
            name = f"column {index + 1}"
        while name in columns:
            name += "'"
        columns[name] = cells
    found = Table(path, columns, list(numbers), breaks)
    if misfits:
        shown = ", ".join(map(str, misfits[:5])) + (
            f" and {len(misfits) - 5} more" if len(misfits) > 5 else ""
        )
        found.notes.append(
            f"rows that do not have the header's {width} fields (line {shown})"
        )
    if not raw:
        where = misfits[0] if misfits else first
        raise LoadError(
            path, "no rows that fit the header " + repr(header_line.strip()), where
        )
    return found


def read(path: Path) -> list[Run]:
    found = table(path, read_text(path))
    runs = runs_from_table(found, path.stem)
    skipped(path, found.notes)
    return runs
