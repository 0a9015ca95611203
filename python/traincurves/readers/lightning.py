"""PyTorch Lightning's ``CSVLogger``: ``<save_dir>/<name>/version_N/metrics.csv``
and the ``hparams.yaml`` beside it.

Each ``log_metrics`` call is a row with ``epoch`` and the global ``step``,
so train step rows, train epoch rows and validation rows are separate rows
of the same epoch. Step rows (``*_step``, or any metric logged more than
once an epoch) become the batch curves, the rest the epoch curves, aligned
by epoch (``table.py`` does that for any CSV of this shape); the steps give
the steps per epoch. ``hparams.yaml`` becomes the run's params.
"""

from __future__ import annotations

from pathlib import Path

from ..run import Run
from . import csvlog
from .base import skipped
from .table import runs_from_table
from .text import head_text, read_text


def sniff(path: Path) -> bool:
    if not csvlog.sniff(path):
        return False
    text = head_text(path) or ""
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    names = {name.strip().strip('"') for name in header.split(",")}
    return {"epoch", "step"} <= names


def run_name(path: Path) -> str:
    """``name/version_N`` for a file where Lightning puts it, else its stem."""
    folder = path.absolute().parent
    if path.stem == "metrics" and folder.name:
        if folder.name.startswith("version_") and folder.parent.name:
            return f"{folder.parent.name}/{folder.name}"
        return folder.name
    return path.stem


def _hparams(path: Path, notes: list[str]) -> dict[str, object]:
    found = path.with_name("hparams.yaml")
    if not found.is_file():
        return {}
    try:
        import yaml
    except ImportError:
        notes.append(f"{found.name} (reading it needs PyYAML: pip install pyyaml)")
        return {}
    try:
        data = yaml.safe_load(found.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        notes.append(f"{found.name}{line}: {getattr(error, 'problem', error)}")
        return {}
    if not isinstance(data, dict):
        return {}
    params: dict[str, object] = {}

    def flat(prefix: str, values: dict) -> None:
        for key, value in values.items():
            if isinstance(value, dict):
                flat(f"{prefix}{key}/", value)
            else:  # lists and other values are shown as text (Run's params)
                params[f"{prefix}{key}"] = value

    flat("", data)
    return params


def read(path: Path) -> list[Run]:
    found = csvlog.table(path, read_text(path))
    found.params = _hparams(path, found.notes)
    runs = runs_from_table(found, run_name(path))
    skipped(path, found.notes)
    return runs
