"""The JSON Schema of the MIME payload, for programs that write or check it.

``schema/payload.v1.json`` in the source tree is the one definition of
``application/vnd.traincurves.v1+json``; the wheel ships it as
``traincurves/payload.v1.json``. traincurves itself never reads it at run
time: its tests check every payload the builder writes against it.

>>> from traincurves.schema import payload_schema
>>> payload_schema()["title"]
'traincurves panel, version 1'
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

SCHEMA_NAME = "payload.v1.json"
SOURCE_FILE = Path(__file__).resolve().parents[2] / "schema" / SCHEMA_NAME


def payload_schema() -> dict[str, Any]:
    """The payload's JSON Schema (draft 2020-12), as a dict: validate with
    e.g. ``jsonschema.validate(bundle[tc.MIME_TYPE], payload_schema())``."""
    packaged = files(__package__) / SCHEMA_NAME
    # A source checkout has it where the extension's build reads it too.
    found = packaged if packaged.is_file() else SOURCE_FILE
    return json.loads(found.read_text(encoding="utf-8"))
