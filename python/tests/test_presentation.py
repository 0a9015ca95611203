"""What the header says, decided once in Python and carried in the payload:
the picture says the same as the panel (jest reads the same fixture texts:
test/header.spec.ts)."""

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import FIXTURES, history_fixtures
from fixture_runs import run_from_fixture

import traincurves as tc
from traincurves import presentation
from traincurves.metrics import role
from traincurves.payload import MIME_TYPE, bundle
from traincurves.presentation import duration, number, run_text

SVG = "image/svg+xml"


def header_of(picture):
    """The picture's title line, without the run's name: ``status · done``."""
    tree = ET.fromstring(picture)
    for element in tree.iter():
        title = [e for e in element if e.get("class") == "tc-title"]
        if title:
            return "".join(element.itertext())[len("".join(title[0].itertext())) :]
    raise AssertionError("no title in the picture")


def run_payload(**changes):
    run = {
        "status": "finished",
        "epochs": list(range(1, 13)),
        "events": [],
        "progress": {"epoch": 12, "total": None, "elapsed": None},
    }
    return {**run, **changes}


def test_a_running_run_says_where_it_is_and_its_eta():
    # 75 s for 12 epochs: 6.25 s/epoch, 18 epochs left.
    text = run_text(
        run_payload(
            status="running", progress={"epoch": 12, "total": 30, "elapsed": 75}
        )
    )
    assert text == {
        "status": "running",
        "done": "12 epochs · 1m 15s",
        "progress": "epoch 12/30 · 1m 15s elapsed · ETA 1m 53s · 6.25 s/epoch",
    }
    # with no planned end there is no progress to tell
    assert run_text(run_payload(status="running"))["progress"] is None


def test_what_a_run_did():
    early = run_payload(
        status="stopped_early",
        events=[{"kind": "early_stop", "epoch": 6, "best_epoch": 4}],
    )
    assert run_text(early)["done"] == "12 epochs · stopped early at epoch 6 (best 4)"
    assert run_text(early)["status"] == "stopped early"
    nan = run_payload(events=[{"kind": "nan_stop", "epoch": 2, "metric": "loss"}])
    assert run_text(nan)["done"] == "12 epochs · stopped at epoch 2: loss not finite"
    reduced = run_payload(status="running", epoch_count=9000)
    assert run_text(reduced)["done"] == "9000 epochs"
    one = run_payload(epochs=[1], progress={"epoch": 1, "elapsed": 4.4})
    assert run_text(one)["done"] == "1 epoch · 4s"
    snapshot = run_payload(epochs=[], distributions=[{"name": "dense"}])
    assert run_text(snapshot)["done"] == "layer snapshot"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(4.4, "4s"), (59.5, "1m 00s"), (125, "2m 05s"), (3725, "1h 02m")],
)
def test_durations(seconds, text):
    assert duration(seconds) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(6.25, "6.25"), (0.21134, "0.2113"), (100.0, "100"), (1.5e-4, "1.50e-4")],
)
def test_numbers(value, text):
    assert number(value) == text


@pytest.mark.parametrize("path", history_fixtures(), ids=lambda p: p.stem)
def test_the_picture_says_what_the_panel_says(path):
    """Each fixture's texts are what the builder writes now, and its picture
    shows them: jest checks the panel shows the same."""
    fixture = json.loads(path.read_text())
    run = run_from_fixture(tc, fixture, path.stem)
    shown = bundle([run], static=True)
    text = shown[MIME_TYPE]["runs"][0]["text"]
    assert text == fixture["payload"]["runs"][0]["text"]
    assert header_of(shown[SVG]) == f"{text['status']} · {text['done']}"


def test_picture_and_panel_agree_on_runs_stopped_on_nan_and_on_snapshots():
    """Two drifts of the hand-kept copies: the picture said "2 epochs · 0s"
    for a run stopped on NaN, and "0 epochs" for a layer snapshot."""
    stopped = tc.Run("nan")
    stopped.log(0, loss=1.0)
    stopped.log(1, loss=float("nan"))
    stopped.add_event("nan_stop", 1, metric="loss")
    stopped.finish("stopped_early")
    shown = bundle([stopped], static=True)
    assert "stopped at epoch 2: loss not finite" in header_of(shown[SVG])
    assert (
        header_of(shown[SVG])
        == "stopped early · " + (shown[MIME_TYPE]["runs"][0]["text"]["done"])
    )

    snapshot = tc.Run("layers")
    snapshot.log_distribution("dense", [0.0, 1.0, 2.0])
    snapshot.finish()
    shown = bundle([snapshot], static=True)
    assert header_of(shown[SVG]).startswith("finished · layer snapshot")


def test_a_long_list_of_metrics_leads_with_the_loss_and_the_focus(shell):
    names = ["loss", "val_loss", "accuracy", "val_accuracy", "dice", "val_dice"]
    history = {name: [1.0, 0.8, 0.6] for name in names + [f"iou_{k}" for k in range(6)]}
    plans = {c["family"]: c for c in presentation.charts(history)}
    # more than 8 metrics: the loss and, by default, the first accuracy-like
    assert [f for f, c in plans.items() if c["key"]] == ["loss", "accuracy"]
    assert plans["iou_*"]["metrics"][0]["member"] == "0"
    named = {c["family"]: c for c in presentation.charts(history, focus="val_dice")}
    assert [f for f, c in named.items() if c["key"]] == ["loss", "dice"]

    tc.show(history, name="seg", focus="val_dice")
    shown = shell.messages[-1]["data"][MIME_TYPE]["charts"]
    assert [c["family"] for c in shown if c["key"]] == ["loss", "dice"]
    with pytest.raises(ValueError, match="focus='val_f1': no run logged"):
        tc.show(history, focus="val_f1")


NAMES = json.loads((FIXTURES / "metric_names.json").read_text())["cases"]


@pytest.mark.parametrize(("name", "family", "split"), NAMES)
def test_metric_names_read_as_the_extension_reads_them(name, family, split):
    # the same list drives test/metrics.spec.ts
    assert role(name) == (split, family)


def test_spelled_out_names_share_a_chart_with_their_twins():
    plans = presentation.charts(["Train Loss", "Valid Loss", "TrainAcc", "ValAcc"])
    assert [(p["title"], [m["split"] for m in p["metrics"]]) for p in plans] == [
        ("Loss", ["train", "validation"]),
        ("Acc", ["train", "validation"]),
    ]
    bare = presentation.charts(["train", "val"])
    assert [(p["family"], p["title"]) for p in bare] == [("", "train / val")]
