"""The builder writes the payloads the renderer's tests read (test/fixtures/)."""

import json

import pytest
from conftest import history_fixtures
from fixture_runs import run_from_fixture

import traincurves as tc
from traincurves.payload import payload


@pytest.mark.parametrize("path", history_fixtures(), ids=lambda p: p.stem)
def test_builder_writes_the_shared_payload(path):
    fixture = json.loads(path.read_text())
    if "distributions" in fixture:
        pytest.importorskip("numpy")  # layer summaries
    run = run_from_fixture(tc, fixture, path.stem)
    built = json.loads(json.dumps(payload([run]), allow_nan=False))
    assert built == fixture["payload"]
