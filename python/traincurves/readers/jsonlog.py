"""JSON logs that are not traincurves' own: what people ``json.dump``.

- A Keras ``History.history`` dict of metric lists, with extra entries:
  single values (``test_accuracy: 0.92``, ``best_val_loss``) become params,
  as do the entries of a nested ``params`` / ``hparams`` / ``config`` dict;
  a nested dict of metric lists (``{"val": {"loss": [...]}}``) gives
  ``val/loss``; other nested values are left out with a note.
- The same inside a wrapper: ``{"history": {...}, "params": {...}}``.
- Per-epoch records kept per phase: ``{"train": [{...}], "val": [{...}]}``
  (validation metrics get ``val_``); kept per stage of training under
  other names (``{"pretrain": [...], "finetune": [...]}``): a run each,
  its ``stage`` a param.
- A list of per-epoch records, ``[{"epoch": 1, "loss": 0.5}, ...]``, also
  one record per line (JSON Lines).
- pandas' ``DataFrame.to_json`` in its ``columns``, ``index``, ``records``,
  ``split`` and ``table`` layouts.
- A list of ``History.history`` dicts, one per ``fit`` call: one-epoch calls
  (``fit(epochs=1)`` in a loop) are the epochs of one run; longer ones are
  runs of their own (folds, repeats).
- ``str(history.history)``: Python's repr of the dict, as the file's text or
  as a JSON string (``json.dump(str(history.history), f)``). It is read as a
  literal, never run.

A document cut off before its end (a writer stopped mid-dump) keeps every
whole value before the cut, with a note; the list the cut went through
holds the first epochs.

Metric lists shorter than the run follow Keras' ``validation_freq`` when
they fit one; any other short list is placed from the first epoch, with a
note. Rows become runs as ``table.py`` says (an epoch that goes back starts
a new run).
"""

from __future__ import annotations

import ast
import json
import re
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..run import Run
from .base import LoadError, skipped
from .table import SPLIT_PREFIXES, Cell, Table, runs_from_table
from .text import head_text, json_value, read_text

_WRAPPERS = ("history", "train_history", "training_history")
_PARAMS = ("params", "hparams", "hyperparams", "hyperparameters", "config", "args")


def sniff(path: Path) -> bool:
    if not path.is_file():
        return False
    text = head_text(path)
    # '"{': a repr dumped as a JSON string (a quoted CSV header starts '"e')
    return text is not None and (
        text.lstrip()[:1] in ("{", "[") or text.lstrip()[:2] in ('"{', '"[')
    )


_CLOSE = {"[": "]", "{": "}"}


def _cut_short(text: str) -> tuple[Any, int] | None:
    """A JSON document cut off before its end (a writer stopped mid-dump):
    the longest prefix that ends after a whole value, closed, and the line
    it ends on; None when no such prefix parses."""
    stack: list[str] = []
    # (where a value ended, the closers then): only the last few are tried
    ends: deque[tuple[int, str]] = deque(maxlen=200)
    in_string = escaped = False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _CLOSE:
            stack.append(_CLOSE[char])
        elif char in "]}":
            if not stack:
                return None
            stack.pop()
            ends.append((i + 1, "".join(reversed(stack))))
        elif char == ",":
            ends.append((i, "".join(reversed(stack))))
    for end, closers in reversed(ends):
        if not closers:
            continue
        try:
            data = json.loads(text[:end] + closers)
        except json.JSONDecodeError:
            continue
        _pad_cut(data)
        return data, text.count("\n", 0, end) + 1
    return None


def _pad_cut(data: Any) -> None:
    """The list the cut went through holds its first epochs: padded with
    nulls to its siblings' length, so that it is not read as a list logged
    every few epochs."""
    parent = None
    while isinstance(data, (dict, list)) and data:
        last = list(data.values())[-1] if isinstance(data, dict) else data[-1]
        if not isinstance(last, (dict, list)):
            break
        parent, data = data, last
    if not isinstance(parent, dict) or not isinstance(data, list):
        return
    longest = max((len(v) for v in parent.values() if isinstance(v, list)), default=0)
    data.extend([None] * (longest - len(data)))


def parse(path: Path, text: str) -> tuple[Any, list[int] | None, list[str]]:
    """The document; for JSON Lines, the list of records, their lines and
    notes on the lines left out."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        data = _python_literal(text)
        if data is not None:
            return data, None, []
        if error.pos >= len(text.rstrip()):
            found = _cut_short(text)
            if found is not None:
                data, line = found
                return (
                    data,
                    None,
                    [
                        f"everything after line {line}: the file ends "
                        "mid-value (cut off while it was written?)"
                    ],
                )
        if error.msg != "Extra data":
            raise LoadError(
                path, f"not valid JSON ({error.msg})", error.lineno
            ) from None
    else:
        if not isinstance(data, str):
            return data, None, []
        inner = _python_literal(data)
        if inner is None:
            raise LoadError(path, "holds a single JSON string, not a log")
        return inner, None, []
    records: list[Any] = []
    lines: list[int] = []
    bad: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad.append(number)
            continue
        if isinstance(record, Mapping):
            records.append(record)
            lines.append(number)
        else:
            bad.append(number)
    if not records:
        raise LoadError(path, "not valid JSON nor JSON Lines of objects", bad[0])
    notes = []
    if bad:
        shown = ", ".join(map(str, bad[:5])) + (
            f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        )
        notes.append(f"lines that are not JSON objects ({shown})")
    return records, lines, notes


# Python writes non-finite floats as bare words, which are no literals.
_NONFINITE_WORDS = re.compile(r"(?<![\w'\"])(nan|inf|-inf)(?![\w'\"])")


def _python_literal(text: str) -> Any:
    """A dict or list written with ``repr``/``str`` (``{'loss': [0.5]}``),
    or None. ``ast.literal_eval`` evaluates literals only."""
    if text.lstrip()[:1] not in ("{", "["):
        return None
    quoted = _NONFINITE_WORDS.sub(lambda m: repr(m[1]), text)
    try:
        value = ast.literal_eval(quoted.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (Mapping, list)) else None


def _histories(records: list[Any]) -> list[Any] | None:
    """Per-epoch records from a list of ``History.history`` dicts (every
    value a list); None when the records are not that."""
    lengths = set()
    for record in records:
        values = list(record.values())
        if not values or not all(isinstance(v, list) for v in values):
            return None
        lengths.update(map(len, values))
    if lengths == {1}:  # fit(epochs=1) in a loop: one run
        return [{k: v[0] for k, v in r.items()} for r in records]
    # several epochs a call: each call is a run; its epochs restart at 1
    return [
        {"epoch": i + 1, **{k: v[i] for k, v in r.items() if i < len(v)}}
        for r in records
        for i in range(max(map(len, r.values())))
    ]


def _phases_merged(phases: Mapping[str, list[Any]]) -> list[dict[str, Any]]:
    """One record per epoch from per-phase lists of records, aligned by
    their ``epoch`` when they all have one, else by position."""
    by_epoch = all("epoch" in r for records in phases.values() for r in records)
    merged: dict[Any, dict[str, Any]] = {}
    for phase, records in phases.items():
        prefix = SPLIT_PREFIXES[phase.lower()]
        for i, record in enumerate(records):
            key = record["epoch"] if by_epoch else i
            row = merged.setdefault(key, {"epoch": key} if by_epoch else {})
            for name, value in record.items():
                if name != "epoch" or not by_epoch:
                    row[f"{prefix}{name}"] = value
    return list(merged.values())


def _flat(record: Mapping[str, Any], prefix: str, out: dict, dropped: set) -> None:
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flat(value, f"{name}/", out, dropped)
        elif isinstance(value, (list, tuple)):
            dropped.add(name)
        else:
            out[name] = json_value(value)


def _from_records(
    path: Path, records: list[Any], lines: list[int | None]
) -> tuple[Table, set[str]]:
    names: dict[str, None] = {}
    rows: list[dict[str, Cell]] = []
    dropped: set[str] = set()
    for record in records:
        row: dict[str, Cell] = {}
        _flat(record, "", row, dropped)
        rows.append(row)
        names.update(dict.fromkeys(row))
    columns = {name: [row.get(name) for row in rows] for name in names}
    return Table(path, columns, lines), dropped


def _records(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(r, Mapping) for r in value)
    )


def _is_index(keys: Any) -> bool:
    return all(isinstance(k, str) and k.strip().lstrip("-").isdigit() for k in keys)


def _numbers(values: list[Any]) -> bool:
    return all(v is None or isinstance(json_value(v), float) for v in values)


def _from_dict(path: Path, data: Mapping[str, Any], notes: list[str]) -> Table:
    """A History dict, with extras, as a table."""
    params: dict[str, Any] = {}
    columns: dict[str, list[Any]] = {}
    left_out: list[str] = []

    def add(name: str, value: Any) -> None:
        if isinstance(value, (list, tuple)):
            if all(not isinstance(v, (list, tuple, Mapping)) for v in value):
                columns[name] = list(value)
            else:
                left_out.append(name)
        elif isinstance(value, Mapping):
            if value and _is_index(value) and _numbers(list(value.values())):
                ordered = sorted(value.items(), key=lambda kv: int(kv[0]))
                columns[name] = [v for _, v in ordered]  # pandas' columns layout
            elif name.lower() in _PARAMS:
                for key, inner in value.items():
                    if isinstance(inner, (list, tuple, Mapping)):
                        left_out.append(f"{name}/{key}")
                    else:
                        params[str(key)] = inner
            elif any(isinstance(v, (list, tuple, Mapping)) for v in value.values()):
                for key, inner in value.items():
                    add(f"{name}/{key}", inner)
            else:
                left_out.append(name)
        elif value is not None:
            params[name] = value

    for key, value in data.items():
        add(str(key), value)
    if left_out:
        notes.append("nested values " + ", ".join(map(repr, left_out)))
    if not columns:
        shown = ", ".join(map(repr, list(data)[:8]))
        raise LoadError(
            path,
            f"holds no per-epoch values: no entry is a list of numbers ({shown})",
        )
    return _aligned(path, columns, params, notes)


def _aligned(
    path: Path, columns: dict[str, list[Any]], params: dict, notes: list[str]
) -> Table:
    from ..ingest import _rows_for

    epoch = next((n for n in columns if n.lower() == "epoch"), None)
    metrics = [values for name, values in columns.items() if name != epoch]
    length = max(map(len, metrics or list(columns.values())))
    if epoch is not None and len(columns[epoch]) != length:
        notes.append(
            f"the {epoch!r} list ({len(columns[epoch])} values for {length} rows)"
        )
        del columns[epoch]
    cells: dict[str, list[Cell]] = {}
    short: list[str] = []
    for name, values in columns.items():
        placed: list[Cell] = [None] * length
        try:
            rows = _rows_for(name, len(values), length)
        except ValueError:
            rows = range(len(values))
            short.append(f"{name!r} ({len(values)} of {length})")
        for row, value in zip(rows, values):
            placed[row] = json_value(value)
        cells[name] = placed
    if short:
        notes.append(
            "where the values of short lists belong: placed from the first "
            "epoch: " + ", ".join(short)
        )
    return Table(path, cells, [None] * length, params=params)


def table(path: Path, data: Any, lines: list[int] | None, notes: list[str]) -> Table:
    """The rows of a JSON log (see the module docstring)."""
    if isinstance(data, Mapping):
        for key in _WRAPPERS:
            inner = data.get(key)
            if isinstance(inner, (Mapping, list)):
                rest = {k: v for k, v in data.items() if k != key}
                if isinstance(inner, list):
                    found = table(path, inner, None, notes)
                    found.params = {**_from_dict_params(rest, notes), **found.params}
                    return found
                merged = {**rest, **inner}
                return _from_dict(path, merged, notes)
        phases = {k: v for k, v in data.items() if _records(v)}
        if len(phases) >= 2 and all(k.lower() in SPLIT_PREFIXES for k in phases):
            # {"train": [{"epoch": 1, "loss": ...}], "val": [...]}
            rest = {k: v for k, v in data.items() if k not in phases}
            found = table(path, _phases_merged(phases), None, notes)
            found.params = {**_from_dict_params(rest, notes), **found.params}
            return found
        if len(phases) >= 2 and not any(
            "stage" in r for v in phases.values() for r in v
        ):
            # {"bc_history": [{...}], "ppo_history": [{...}]}: stages of
            # training one after another, a run each, named in `stage`
            records: list[Mapping[str, Any]] = []
            starts: set[int] = set()
            for key, stage in phases.items():
                starts.add(len(records))
                records += [{**r, "stage": key} for r in stage]
            rest = {k: v for k, v in data.items() if k not in phases}
            found = table(path, records, None, notes)
            found.breaks |= starts - {0}
            found.params = {**_from_dict_params(rest, notes), **found.params}
            return found
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(phases) == 1:
            # {"epoch_losses": [{...}]}, beside it at most lists shorter than
            # it (a config's image_size: [224, 224]), which are no curves
            (key,) = phases
            others = [k for k in lists if k != key]
            if all(len(data[k]) < len(data[key]) for k in others):
                lists = [key]
        if len(lists) == 1 and _records(data[lists[0]]):  # {"epoch_losses": [{...}]}
            rest = {k: v for k, v in data.items() if k != lists[0]}
            found = table(path, data[lists[0]], None, notes)
            found.params = {**_from_dict_params(rest, notes), **found.params}
            return found
        if isinstance(data.get("columns"), list) and isinstance(data.get("data"), list):
            records = [dict(zip(data["columns"], row)) for row in data["data"]]
            return table(path, records, None, notes)
        if isinstance(data.get("schema"), Mapping) and isinstance(
            data.get("data"), list
        ):
            return table(path, data["data"], None, notes)
        if (
            data
            and _is_index(data)
            and all(isinstance(v, Mapping) for v in data.values())
        ):
            ordered = [v for _, v in sorted(data.items(), key=lambda kv: int(kv[0]))]
            return table(path, ordered, None, notes)
        return _from_dict(path, data, notes)
    if isinstance(data, list):
        if _records(data) and (epochs := _histories(data)) is not None:
            return table(path, epochs, None, notes)
        if _records(data):
            found, dropped = _from_records(
                path, data, list(lines or [None] * len(data))
            )
            if dropped:
                notes.append(
                    "list values of records " + ", ".join(map(repr, sorted(dropped)))
                )
            return found
        if not data:
            raise LoadError(path, "holds an empty JSON list")
        raise LoadError(
            path,
            "holds a JSON list of "
            + ("numbers" if _numbers(data) else "values that are not records")
            + " with no metric names; expected a dict of metric lists such as "
            '{"loss": [...]} or a list of per-epoch records',
        )
    raise LoadError(path, f"holds a single JSON {type(data).__name__}, not a log")


def _from_dict_params(data: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping) and key.lower() in _PARAMS:
            params.update(
                {
                    str(k): v
                    for k, v in value.items()
                    if not isinstance(v, (list, Mapping))
                }
            )
        elif not isinstance(value, (list, tuple, Mapping)) and value is not None:
            params[str(key)] = value
        elif value is not None:
            notes.append(f"nested values {key!r}")
    return params


def read(path: Path) -> list[Run]:
    text = read_text(path)
    if not text.strip():
        raise LoadError(path, "the file is empty")
    data, lines, notes = parse(path, text)
    found = table(path, data, lines, notes)
    runs = runs_from_table(found, path.stem)
    skipped(path, notes + found.notes)
    return runs
