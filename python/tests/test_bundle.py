"""The MIME bundle, its text summary, and showing it."""

import json
import math

import pytest

import traincurves as tc
from traincurves.payload import MIME_TYPE, bundle
from traincurves.values import compact


def test_bundle_is_strict_json_with_nan_as_null():
    run = tc.Run.from_history(
        {"loss": [1.0, math.nan, math.inf], "val_loss": [1, 2, 3]}
    )
    data = bundle([run])
    text = json.dumps(data[MIME_TYPE], allow_nan=False)  # raises on NaN/inf
    payload = json.loads(text)
    assert payload["runs"][0]["metrics"]["loss"] == [1.0, None, None]
    assert payload["runs"][0]["nonfinite"] == {"loss": [[2, "nan"], [3, "inf"]]}


def test_float32_values_are_written_short_and_exact():
    np = pytest.importorskip("numpy")

    value = float(np.float32(0.123456789))
    assert compact(value) == 0.12345679
    assert np.float32(compact(value)) == np.float32(value)
    assert compact(0.1) == 0.1  # a float64 that is not a float32 stays as is


def test_text_summary_is_useful_without_the_extension():
    run = tc.Run.from_history(
        {
            "loss": [1.0, 0.5, 0.25],
            "val_loss": [1.1, 0.6, 0.65],
            "acc": [0.5, math.nan, 0.9],
        },
        name="baseline",
    )
    text = bundle([run])["text/plain"]
    assert text.splitlines() == [
        "traincurves run 'baseline': finished, 3 epochs",
        "  metric         final  best",
        "  loss            0.25  0.25 (epoch 3, min)",
        "  val_loss        0.65  0.6 (epoch 2, min)",
        "  acc              0.9  0.9 (epoch 3, max)",
        "  ! acc was nan at epoch 2",
    ]


def test_show_displays_one_panel_and_returns_none(shell):
    result = tc.show({"loss": [1.0, 0.5]}, name="shown")
    assert result is None
    assert len(shell.messages) == 1
    data = shell.messages[0]["data"]
    assert set(data) == {MIME_TYPE, "text/plain", "image/svg+xml"}
    assert data[MIME_TYPE]["runs"][0]["name"] == "shown"


def test_a_run_renders_itself_when_last_in_a_cell():
    run = tc.Run.from_history({"loss": [1.0, 0.5]}, name="bare")
    data = run._repr_mimebundle_()
    assert data[MIME_TYPE]["runs"][0]["name"] == "bare"
    assert "bare" in data["text/plain"]


def test_bundle_for_100_epochs_of_4_metrics_is_small():
    np = pytest.importorskip("numpy")

    rng = np.random.default_rng(0)
    history = {
        name: (rng.random(100).astype(np.float32)).tolist()
        for name in ("loss", "val_loss", "accuracy", "val_accuracy")
    }
    size = len(json.dumps(bundle([tc.Run.from_history(history)])[MIME_TYPE]))
    assert size <= 16 * 1024
