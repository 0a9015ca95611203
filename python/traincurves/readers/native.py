"""traincurves' own files: the JSON run file (``run.save``) and JSON Lines
(``tc.JSONLogger``, ``Run.log_to``); their formats are in ``files.py`` and
``jsonl.py``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..run import Run
from .base import LoadError
from .text import head_text, read_text

_RUN_FILE = re.compile(r'"format"\s*:\s*"traincurves\.run"')
_RECORD_TYPES = {"start", "epoch", "batch", "event", "distribution", "end"}
_RECORD_START = re.compile(r'\s*\{"type": "(' + "|".join(_RECORD_TYPES) + r')"')


def _first_record(text: str) -> dict | None:
    line = text.lstrip().split("\n", 1)[0]
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    return record if isinstance(record, dict) else None


def _is_jsonl(text: str) -> bool:
    record = _first_record(text)
    if record is None:  # a first record longer than the head: as RunWriter starts one
        return bool(_RECORD_START.match(text))
    return record.get("type") in _RECORD_TYPES


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    text = head_text(path)
    if text is None or text.lstrip()[:1] != "{":
        return False
    return bool(_RUN_FILE.search(text)) or _is_jsonl(text)


def read(path: Path) -> list[Run]:
    from ..files import run_from_dict
    from ..jsonl import load_jsonl

    text = read_text(path)
    if _is_jsonl(text):
        return [load_jsonl(path)]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(path, f"not valid JSON ({error.msg})", error.lineno) from None
    return [run_from_dict(data, str(path))]
