"""Checks payloads against ``schema/payload.v1.json`` with ``jsonschema``.

conftest.py has every payload the builder writes during a test recorded
here, as the JSON a notebook would receive, and checked when the test's call
ends (checking inside the builder would hold the run's lock meanwhile and
slow live updates down): a test that built a bad payload fails.

The schema is read strictly: objects may carry only the properties it names
(readers must ignore others, so the published schema allows them), so the
builder cannot write a field the schema does not document. Checked besides
the schema: what it cannot say, that each column is as long as the axis it
is aligned with (the renderer refuses the payload otherwise).
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema" / "payload.v1.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def strict(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` wherever an object
    schema lists its properties and says nothing of others."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: strict(value) for key, value in schema.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


def inlined(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with each ``{"$ref": "#/$defs/x"}`` replaced by x (the
    payload schema has no recursion, and only descriptions beside a $ref):
    the same checks, 2-3 times faster over long columns."""
    if isinstance(schema, list):
        return [inlined(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        assert set(schema) <= {"$ref", "description"}, schema
        return inlined(defs[schema["$ref"].removeprefix("#/$defs/")], defs)
    return {k: inlined(v, defs) for k, v in schema.items() if k != "$defs"}


_STRICT = strict(SCHEMA)
VALIDATOR = Draft202012Validator(inlined(_STRICT, _STRICT["$defs"]))


def _shown(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."


def _misaligned(payload: dict[str, Any]) -> list[str]:
    """Columns whose length is not their axis's."""
    found = []

    def check(column: list[Any], where: str, length: int, along: str) -> None:
        if len(column) != length:
            found.append(f"{where} has {len(column)} values, {length} {along}")

    for i, run in enumerate(payload["runs"]):
        at = f"$.runs[{i}]"
        epochs = len(run["epochs"])
        for name, column in run["metrics"].items():
            check(column, f"{at}.metrics[{name!r}]", epochs, "epochs")
        if run.get("time") is not None:
            check(run["time"], f"{at}.time", epochs, "epochs")
        for name, band in (run.get("bands") or {}).items():
            for side in ("low", "high"):
                check(band[side], f"{at}.bands[{name!r}].{side}", epochs, "epochs")
        batches = run.get("batches")
        if batches is not None:
            for name, column in batches["metrics"].items():
                where = f"{at}.batches.metrics[{name!r}]"
                check(column, where, len(batches["x"]), "batch points")
        for j, dist in enumerate(run.get("distributions") or []):
            where = f"{at}.distributions[{j}]"
            n = len(dist["epochs"])
            for q, column in dist["quantiles"].items():
                check(column, f"{where}.quantiles.{q}", n, "epochs")
            for key in ("zeros", "nonfinite"):
                check(dist[key], f"{where}.{key}", n, "epochs")
            for key in ("low", "high", "counts"):
                check(dist["histogram"][key], f"{where}.histogram.{key}", n, "epochs")
    return found


def problems(payload: Any) -> list[str]:
    """What is wrong with ``payload``: schema errors first, then (for a
    payload that matches the schema) columns of the wrong length."""
    errors = sorted(VALIDATOR.iter_errors(payload), key=lambda e: e.json_path)
    if errors:
        return [f"{e.json_path}: {_shown(e.message)}" for e in errors]
    return _misaligned(payload)


class Recorder:
    """The payloads built since ``clear``, as JSON (live displays build them
    in timer threads too); those found right are not checked again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: list[str] = []
        self._not_json: list[str] = []
        self._good: set[int] = set()

    def clear(self) -> None:
        with self._lock:
            self._built.clear()
            self._not_json.clear()

    def record(self, payload: Any) -> None:
        try:
            text = json.dumps(payload, allow_nan=False)
        except ValueError as error:  # NaN or inf: the builder writes null
            with self._lock:
                self._not_json.append(f"not JSON: {error}")
            return
        with self._lock:
            self._built.append(text)

    def problems(self) -> list[str]:
        """The problems of the payloads built since ``clear``, each once."""
        with self._lock:
            built, self._built = self._built, []
            found = dict.fromkeys(self._not_json)
            self._not_json = []
        for text in dict.fromkeys(built):
            if hash(text) not in self._good:
                wrong = problems(json.loads(text))
                found.update(dict.fromkeys(wrong))
                if not wrong:
                    self._good.add(hash(text))
        return list(found)


recorder = Recorder()


def record_builder() -> None:
    """Record each payload ``traincurves.payload.payload`` returns (and so
    each bundle, shown, compared, live or saved, that the tests build)."""
    from traincurves import payload as module

    build = module.payload
    if getattr(build, "recorded", False):
        return

    @functools.wraps(build)
    def recorded(*args: Any, **kwargs: Any) -> dict[str, Any]:
        data = build(*args, **kwargs)
        recorder.record(data)
        return data

    recorded.recorded = True
    module.payload = recorded
