"""The diagnosis against practitioners' labels on the real logs' dev split
(test/fixtures/real_logs). The held-out split is scored by
bench/diagnosis_score.py only: nothing here may be tuned on it."""

import importlib.util
import json

import pytest
from conftest import FIXTURES

_spec = importlib.util.spec_from_file_location(
    "diagnosis_score", FIXTURES.parents[1] / "bench" / "diagnosis_score.py"
)
score_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score_script)


@pytest.fixture(scope="module")
def dev():
    return score_script.score(score_script.labelled("dev"))


def precision(s, kind):
    found = s["tp"][kind] + s["fp"][kind]
    return s["tp"][kind] / found if found else 1.0


def recall(s, kind):
    return s["tp"][kind] / (s["tp"][kind] + s["fn"][kind])


def test_prints_both_scores(dev, capsys):
    with capsys.disabled():
        score_script.show("dev", dev)
        score_script.show(
            "heldout", score_script.score(score_script.labelled("heldout"))
        )


def test_false_alarms_on_healthy_runs_at_most_5_percent(dev):
    assert dev["healthy"] >= 30
    assert dev["alarms"] <= 0.05 * dev["healthy"]


def test_overfitting_precision_at_least_0_9(dev):
    assert dev["tp"]["overfitting"] + dev["fn"]["overfitting"] > 0
    assert precision(dev, "overfitting") >= 0.9


def test_unstable_precision_holds(dev):
    # 8 of 9 on the 614 dev files (0.89; 1.00 before the sixth round's
    # files joined, whose one false instability, a jump in a composite
    # loss that validation echoes, both labellers read as a plateau)
    assert dev["tp"]["unstable"] + dev["fn"]["unstable"] > 0
    assert precision(dev, "unstable") >= 0.85


def test_underfitting_precision_holds(dev):
    # 41 of 44 on the 614 dev files (0.93; 0.86 before a validation loss
    # falling at every evaluation counted as learning); held-out figures in
    # bench/README.md.
    assert dev["tp"]["underfitting"] + dev["fn"]["underfitting"] > 0
    assert precision(dev, "underfitting") >= 0.9


def test_overfitting_recall_holds(dev):
    # a guard against regressions: 60 of 90 on the 614 dev files (0.67;
    # the sixth and seventh rounds' files, scored once untuned at 0.35 and
    # 0.68, joined dev).
    # The target, 0.8 on held-out runs, is reported by
    # bench/diagnosis_score.py.
    assert recall(dev, "overfitting") >= 0.64


def test_every_file_scored_only_where_labellers_agree(dev):
    manifest = json.loads((FIXTURES / "real_logs" / "manifest.json").read_text())
    assert dev["files"] == sum(e["split"] == "dev" for e in manifest) >= 150
    assert dev["used"] <= dev["same_verdict"] <= dev["files"]
