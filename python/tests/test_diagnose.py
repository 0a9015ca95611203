"""Diagnosis, scored on the labelled corpus in test/fixtures/diagnosis."""

import json
import math
from collections import Counter

import pytest
from conftest import FIXTURES
from fixture_runs import decode_history

import traincurves as tc
from traincurves.diagnose import ADVICE

CORPUS = json.loads((FIXTURES / "diagnosis" / "corpus.json").read_text())
KINDS = sorted(ADVICE)


def scores():
    tp, fp, fn = Counter(), Counter(), Counter()
    for case in CORPUS:
        found = {f.kind for f in tc.diagnose(decode_history(case["history"]))}
        expected = set(case["labels"])
        for kind in found & expected:
            tp[kind] += 1
        for kind in found - expected:
            fp[kind] += 1
        for kind in expected - found:
            fn[kind] += 1
    return tp, fp, fn


def test_corpus_has_every_kind_from_synthetic_and_real_runs():
    labels = Counter(k for case in CORPUS for k in case["labels"])
    assert set(labels) == set(KINDS)
    assert {c["name"] for c in CORPUS if c["source"] == "keras"} == {
        "keras-healthy",
        "keras-overfit",
        "keras-lr-too-high",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_precision_and_recall_at_least_0_9(kind, capsys):
    tp, fp, fn = scores()
    precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
    recall = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
    with capsys.disabled():
        print(
            f"\n  {kind:<12} precision {precision:.2f} recall {recall:.2f} "
            f"(tp {tp[kind]}, fp {fp[kind]}, fn {fn[kind]})",
            end="",
        )
    assert precision >= 0.9 and recall >= 0.9


def test_each_real_keras_run_gets_its_verdict():
    for case in CORPUS:
        if case["source"] == "keras":
            found = {f.kind for f in tc.diagnose(decode_history(case["history"]))}
            assert found == set(case["labels"]), case["name"]


def test_findings_say_where_what_and_what_to_try():
    epochs = 20
    train = [1.5 * math.exp(-0.3 * e) + 0.05 for e in range(epochs)]
    val = [1.4 * math.exp(-0.3 * e) + 0.3 for e in range(8)]
    val += [val[-1] + 0.04 * (i + 1) for i in range(epochs - 8)]
    (finding,) = tc.diagnose({"loss": train, "val_loss": val})
    assert finding.kind == "overfitting" and finding.severity == "warning"
    assert finding.metric == "val_loss"
    assert finding.end == epochs - 1 and finding.start <= 7
    assert "overfits" in finding.message and "EarlyStopping" in finding.advice


def test_short_histories_get_no_verdict_but_nan_is_reported():
    assert tc.diagnose({"loss": [3.0, 1.0, 5.0, 0.5]}) == []
    (finding,) = tc.diagnose({"loss": [1.0, math.nan, math.nan]})
    assert (finding.kind, finding.start, finding.end) == ("nonfinite", 1, 2)
    assert finding.message == "loss became nan at epoch 2"


def test_thresholds_are_parameters():
    train = [1.0 - 0.01 * e for e in range(9)]
    # validation loss up 2.9% from its best: under the default 5%
    val = [0.9 - 0.05 * e for e in range(5)] + [0.7 + 0.005 * i for i in range(1, 5)]
    history = {"loss": train, "val_loss": val}
    assert [f.kind for f in tc.diagnose(history)] == []
    assert [f.kind for f in tc.diagnose(history, overfit_rise=0.02)] == ["overfitting"]
    with pytest.raises(TypeError):
        tc.diagnose(history, not_a_threshold=1)


def test_a_converged_loss_wobbling_near_zero_is_not_unstable():
    # the demo's loss: 0.9 down to 1e-4, then "jumps" to 2e-3 (20x, and
    # invisible on the chart)
    loss = [
        0.9,
        0.2,
        0.1,
        0.05,
        0.02,
        0.01,
        0.004,
        0.001,
        0.0002,
        0.0001,
        0.002,
        0.0005,
    ]
    kinds = [f.kind for f in tc.diagnose({"loss": loss})]
    assert "unstable" not in kinds
    # the same jump on a curve that lives at that scale is one
    assert "unstable" in [
        f.kind
        for f in tc.diagnose({"loss": [0.9, 0.5, 0.3, 0.2, 0.15, 0.12, 0.6, 0.3]})
    ]
