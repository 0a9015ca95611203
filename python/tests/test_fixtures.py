"""The builder writes the payloads the renderer's tests read (test/fixtures/)."""

import json

import pytest
from conftest import decode_history, history_fixtures

import traincurves as tc
from traincurves.payload import payload


@pytest.mark.parametrize("path", history_fixtures(), ids=lambda p: p.stem)
def test_builder_writes_the_shared_payload(path):
    fixture = json.loads(path.read_text())
    run = tc.Run.from_history(decode_history(fixture["history"]), name=fixture["name"])
    run.id = path.stem
    built = json.loads(json.dumps(payload([run]), allow_nan=False))
    assert built == fixture["payload"]
