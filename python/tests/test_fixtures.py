"""The builder writes the payloads the renderer's tests read (test/fixtures/),
and each fixture's ``picture`` is what the static picture of its payload
shows: test/presentation.spec.ts checks that the panel draws the same."""

import json

import pytest
from conftest import FIXTURES, history_fixtures
from fixture_runs import comparison_runs, picture_facts, run_from_fixture

import traincurves as tc
from traincurves.payload import payload
from traincurves.presentation import RUN_PALETTE
from traincurves.static import render


def built(runs):
    return json.loads(json.dumps(payload(runs), allow_nan=False))


@pytest.mark.parametrize("path", history_fixtures(), ids=lambda p: p.stem)
def test_builder_writes_the_shared_payload(path):
    fixture = json.loads(path.read_text())
    run = run_from_fixture(tc, fixture, path.stem)
    assert built([run]) == fixture["payload"]
    assert picture_facts(render(fixture["payload"])) == fixture["picture"]


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "comparisons").glob("*.json")), ids=lambda p: p.stem
)
def test_builder_writes_the_shared_comparison(path):
    fixture = json.loads(path.read_text())
    histories = {p.stem: json.loads(p.read_text()) for p in history_fixtures()}
    runs = comparison_runs(tc, fixture, histories)
    assert built(runs) == fixture["payload"]
    assert picture_facts(render(fixture["payload"])) == fixture["picture"]
    # a colour per run (a sweep's repeat), each curve in its run's colour,
    # validation dashed
    colors = {run["name"]: run["color"] for run in fixture["payload"]["runs"]}
    assert len(set(colors.values())) == min(len(runs), len(RUN_PALETTE))
    for curve in fixture["picture"]["series"]:
        assert curve["color"] == colors[curve["run"]]
        assert curve["dashed"] == curve["metric"].startswith("val_")
