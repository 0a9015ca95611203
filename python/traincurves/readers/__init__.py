"""Reading the logs people already have, recognised by content, not by name.

:func:`read_any` asks each reader of :data:`READERS` in order whether a
file or folder is its kind (``sniff``) and lets the first that says yes read
it (``read``, see ``base.py``). The order goes from the most particular to
the most general: traincurves' own files, a Hugging Face Trainer state and
a Lightning ``metrics.csv`` are also JSON or CSV, so they come before the
readers of any JSON and any CSV.

A folder that no reader takes as a whole is searched for logs: every file
and sub-folder a reader recognises gives its runs (hidden entries are not
searched), and a log in it that cannot be read is left out with one note.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from ..run import Run
from .base import LoadError, LoadWarning, skipped
from .text import head, is_binary

# Module names under traincurves.readers, most particular first. A reader
# that is not there (yet) is passed over.
READERS = (
    "native",
    "huggingface",
    "lightning",
    "mlflow",  # before tensorboard: runs may keep event files as artifacts
    "tensorboard",
    "jsonlog",
    "csvlog",
)

KINDS = (
    "traincurves runs (JSON, JSON Lines), CSV logs (Keras CSVLogger, pandas "
    "to_csv, Lightning metrics.csv), JSON histories, Hugging Face "
    "trainer_state.json, TensorBoard event files and MLflow runs"
)
_DEPTH = 6  # how deep a folder is searched for logs


def readers() -> list[ModuleType]:
    found = []
    for name in READERS:
        try:
            found.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
    return found


def reader_for(path: Path) -> ModuleType | None:
    """The first reader that recognises ``path``, or None."""
    for reader in readers():
        if reader.sniff(path):
            return reader
    return None


def read_any(path: str | os.PathLike[str]) -> list[Run]:
    """Every run in a log file or folder of any kind traincurves reads, in
    order. Raises FileNotFoundError for a path that is not there and
    :class:`LoadError` for one that holds nothing it can read."""
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    reader = reader_for(path)
    if reader is not None:
        return reader.read(path)
    if path.is_dir():
        return _search(path)
    raise LoadError(path, _unknown(path))


def _unknown(path: Path) -> str:
    data = head(path)
    if not data.strip():
        return "the file is empty"
    if is_binary(data):
        return f"a binary file of no kind traincurves reads; it reads {KINDS}"
    from . import csvlog

    if why := csvlog.misfit(path):
        return why
    first = data.decode("utf-8", errors="replace").strip().splitlines()[0][:60]
    return f"not a training log traincurves recognises (it starts {first!r}); it reads {KINDS}"


def _search(folder: Path) -> list[Run]:
    runs: list[tuple[Path, Run]] = []
    failed: list[str] = []
    _walk(folder, folder, 0, runs, failed)
    if not runs:
        why = f"; of the logs in it none could be read ({failed[0]})" if failed else ""
        raise LoadError(folder, f"a folder with no training log traincurves reads{why}")
    skipped(
        folder, [f"logs that could not be read: {'; '.join(failed)}"] if failed else []
    )
    counts: dict[str, int] = {}
    for _, run in runs:
        counts[run.name] = counts.get(run.name, 0) + 1
    for where, run in runs:
        if counts[run.name] > 1:  # the registry and compare tell runs by name
            run.name = f"{where.relative_to(folder).as_posix()}: {run.name}"
    return [run for _, run in runs]


def _walk(folder: Path, top: Path, depth: int, runs: list, failed: list[str]) -> None:
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        failed.append(f"{folder}: {error.strerror or error}")
        return
    for entry in entries:
        if entry.name.startswith((".", "__")):
            continue
        reader = reader_for(entry)
        if reader is None:
            if entry.is_dir() and depth < _DEPTH:
                _walk(entry, top, depth + 1, runs, failed)
            continue
        try:
            found = reader.read(entry)
        except (LoadError, ValueError, OSError) as error:
            failed.append(str(error))
            continue
        runs.extend((entry, run) for run in found)


__all__ = [
    "KINDS",
    "READERS",
    "LoadError",
    "LoadWarning",
    "read_any",
    "reader_for",
    "readers",
]
