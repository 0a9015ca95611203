"""The static SVG picture of a panel: what GitHub, nbviewer, VS Code and
nbconvert exports show where the extension is not installed."""

import json
import math
import re
import time
import warnings
import xml.etree.ElementTree as ET

import pytest
from conftest import FIXTURES, digits_model
from fixture_runs import run_from_fixture

import traincurves as tc
from traincurves import config, payload
from traincurves.payload import MIME_TYPE, bundle
from traincurves.presentation import hash_name, run_colors
from traincurves.static import svg

SVG = "image/svg+xml"
NS = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "<script>alert(1)</script>",
    '" onload="alert(1)',
    "]]>",
    "a & b",
    "tab\there\x00\x1bnul",
]


@pytest.fixture(autouse=True)
def default_settings():
    config.reset()
    yield
    config.reset()


def fixture_run(stem):
    fixture = json.loads((FIXTURES / "histories" / f"{stem}.json").read_text())
    run = run_from_fixture(tc, fixture, stem)
    if "status" not in fixture:
        run.finish()
    return run


def parse(text):
    return ET.fromstring(text)


def series(tree):
    return [e for e in tree.iter(f"{NS}path") if e.get("class") == "tc-series"]


def texts(tree, cls):
    return ["".join(e.itertext()) for e in tree.iter() if e.get("class") == cls]


def subpaths(element):
    return element.get("d").count("M")


def history(epochs, seed=0):
    """Random float32 curves, as Keras logs them; the test needs numpy."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(seed)
    return {
        name: rng.random(epochs).astype(np.float32).tolist()
        for name in ("loss", "val_loss", "accuracy", "val_accuracy")
    }


def test_one_path_per_series_in_one_chart_per_family():
    tree = parse(svg([fixture_run("basic")]))
    assert tree.tag == f"{NS}svg"
    drawn = {(e.get("data-run"), e.get("data-metric")) for e in series(tree)}
    assert len(series(tree)) == 4
    assert drawn == {
        ("baseline", m) for m in ("loss", "val_loss", "accuracy", "val_accuracy")
    }
    dashed = {e.get("data-metric") for e in series(tree) if e.get("stroke-dasharray")}
    assert dashed == {"val_loss", "val_accuracy"}  # validation dashed, train solid
    assert texts(tree, "tc-title") == ["baseline"]
    assert texts(tree, "tc-legend") == ["loss", "val_loss", "accuracy", "val_accuracy"]
    # best epochs of the validation metrics; a healthy run: nothing shaded
    assert len([e for e in tree.iter() if e.get("class") == "tc-best"]) == 2
    assert "best 0.3957 @ 8" in "".join(tree.itertext())
    assert not [e for e in tree.iter() if e.get("class") == "tc-finding"]


def test_a_finding_is_shaded_over_its_epochs_and_listed():
    tree = parse(svg([fixture_run("overfitting")]))
    shaded = [e for e in tree.iter() if e.get("class") == "tc-finding"]
    assert len(shaded) == 1
    text = "".join(tree.itertext())
    assert "overfitting, epochs 8-20: val_loss +59 % over its best" in text


def test_a_finding_of_one_epoch_is_a_band_of_one_epoch():
    # a blow-up at epoch 2 of 10, confirmed by validation (see test_diagnose)
    loss = [8.3, 7499.0, 187.5, 8.03, 7.84, 7.41, 7.33, 7.26, 7.2, 7.13]
    val = [8008.3, 229.9, 8.2, 8.19, 8.0, 7.96, 7.92, 7.89, 7.86, 7.84]
    run = tc.Run.from_history({"loss": loss, "val_loss": val})
    (band,) = [e for e in parse(svg([run])).iter() if e.get("class") == "tc-finding"]
    # the chart is about 9 epochs wide: one epoch is a ninth of it, not 1 px
    assert float(band.get("width")) > 20


def test_status_and_early_stop_are_drawn():
    tree = parse(svg([fixture_run("early_stop_batches")]))
    text = "".join(tree.itertext())
    assert "stopped early" in text and "early stop @ 6" in text
    assert [e for e in tree.iter() if e.get("class") == "tc-early-stop"]
    assert len(series(tree)) == 2  # epoch curves only: no batch series


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_text(name):
    run = tc.Run.from_history({"loss": [1.0, 0.5], f"val_{name}": [1.1, 0.7]}, name)
    other = tc.Run.from_history({"loss": [0.9, 0.4]}, name=name + " 2")
    for picture in (svg([run]), svg([run, other])):
        tree = parse(picture)  # well-formed, control characters included
        elements = list(tree.iter())
        assert not [e for e in elements if e.tag.lower().endswith("script")]
        for element in elements:
            for attribute in element.attrib:
                local = attribute.rsplit("}", 1)[-1].lower()
                assert not local.startswith("on"), attribute
                assert local != "href", attribute
        assert "<script" not in picture and 'onload="' not in picture
    shown = name.replace("\x00", "\ufffd").replace("\x1b", "\ufffd")
    single = parse(svg([run]))
    assert texts(single, "tc-title") == [shown]
    assert f"val_{shown}" in texts(single, "tc-legend")
    assert texts(parse(svg([run, other])), "tc-legend")[:2] == [
        f"{shown} finished",
        f"{shown} 2 finished",
    ]


def test_the_hostile_fixture_has_no_active_content():
    picture = svg([fixture_run("hostile_names")])
    tree = parse(picture)
    assert texts(tree, "tc-title") == ["<b>run</b><script>window.__pwned=1</script>"]
    assert "<img" not in picture and "<script" not in picture


def test_4_metrics_of_1000_epochs_stay_under_40_kb():
    run = tc.Run.from_history(history(1000))
    start = time.perf_counter()
    picture = svg([run])
    took = time.perf_counter() - start
    print(
        f"\nSVG of 4 metrics x 1000 epochs: {len(picture)} bytes, {took * 1e3:.1f} ms"
    )
    assert len(picture.encode()) <= 40 * 1024
    parse(picture)


def test_long_series_are_reduced_keeping_extremes():
    values = [0.5 + 0.01 * math.sin(i / 50) for i in range(100_000)]
    values[55_555] = 10.0  # one spike among 100 000 epochs
    run = tc.Run.from_history({"loss": values})
    (line,) = series(parse(svg([run])))
    ys = sorted(
        float(p.split(",")[1]) for p in re.findall(r"[\d.]+,[\d.]+", line.get("d"))
    )
    assert len(ys) <= 450
    assert ys[1] - ys[0] > 100  # the spike is still there, far above the rest


def test_nan_breaks_the_line():
    run = tc.Run.from_history(
        {"loss": [1.0, 0.8, math.nan, math.inf, 0.6, 0.5], "val_loss": [1.1, None, 0.9]}
    )
    tree = parse(svg([run]))
    lines = {e.get("data-metric"): e for e in series(tree)}
    assert subpaths(lines["loss"]) == 2
    assert subpaths(lines["val_loss"]) == 1  # an unlogged epoch is joined over
    assert "nan @ 3" in "".join(tree.itertext())
    # a long series keeps its gap through the reduction
    long = [1.0 / (i + 1) for i in range(5000)]
    long[2500:2510] = [math.nan] * 10
    (line,) = series(parse(svg([tc.Run.from_history({"loss": long})])))
    assert subpaths(line) == 2


def test_a_comparison_names_every_run_in_its_colour():
    a = tc.Run.from_history(history(20, 1), name="baseline")
    b = tc.Run.from_history(history(20, 2), name="dropout-0.3")
    for run in (a, b):
        run.finish()
    tree = parse(svg([a, b]))
    assert texts(tree, "tc-legend")[:2] == ["baseline finished", "dropout-0.3 finished"]
    assert len(series(tree)) == 8
    colors = {e.get("data-run"): e.get("stroke") for e in series(tree)}
    assert colors == {
        "baseline": run_colors([{"id": "a", "name": "baseline"}])["a"],
        "dropout-0.3": run_colors([{"id": "b", "name": "dropout-0.3"}])["b"],
    }


def test_run_colours_hash_names_as_the_renderer_does():
    # hashName() of src/compare.ts, computed with node
    assert hash_name("baseline") == 2885213762
    assert hash_name("dropout-0.3") == 2766620566
    assert hash_name("ünï😀") == 4043623077
    assert hash_name("") == 2166136261
    same = run_colors([{"id": "1", "name": "a"}, {"id": "2", "name": "a"}])
    assert same["1"] != same["2"]  # a taken slot moves to the next colour


def test_show_and_compare_carry_the_picture_unless_turned_off(shell):
    tc.show({"loss": [1.0, 0.5]}, name="a")
    assert SVG in shell.messages[-1]["data"]
    tc.show({"loss": [1.0, 0.5]}, name="b", static=False)
    assert SVG not in shell.messages[-1]["data"]
    tc.compare("a", "b")
    assert SVG in shell.messages[-1]["data"]
    tc.compare("a", "b", static=False)
    assert SVG not in shell.messages[-1]["data"]

    assert tc.configure(static=False).static is False
    tc.show({"loss": [1.0, 0.5]}, name="c")
    assert SVG not in shell.messages[-1]["data"]
    assert SVG not in tc.Run.from_history({"loss": [1.0]})._repr_mimebundle_()
    tc.show({"loss": [1.0, 0.5]}, name="d", static=True)  # the keyword wins
    assert SVG in shell.messages[-1]["data"]
    assert tc.configure().static is False  # a keyword left out keeps its value
    with pytest.raises(TypeError, match="static must be True or False"):
        tc.configure(static="no")


def test_a_failing_picture_costs_one_warning_and_nothing_else(monkeypatch):
    import traincurves.static

    def broken(data):
        raise ValueError("boom")

    monkeypatch.setattr(traincurves.static, "render", broken)
    monkeypatch.setattr(payload, "_picture_failed", False)
    run = tc.Run.from_history({"loss": [1.0, 0.5]})
    with pytest.warns(RuntimeWarning, match="static picture"):
        first = bundle([run])
    assert set(first) == {MIME_TYPE, "text/plain"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert SVG not in bundle([run])  # warned once


def live_messages(shell):
    return [m["data"] for m in shell.messages if "data" in m]


def test_run_live_without_live_pictures_draws_once_at_the_end(shell):
    # (With live pictures, the default, see test_live.py.)
    tc.configure(live_static=False)
    run = tc.Run("loop")
    with run.live(total_epochs=5, every=0):
        for epoch in range(5):
            run.log(epoch, loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1))
    sent = live_messages(shell)
    assert len(sent) == 7  # the first display, one update per epoch, the final
    assert all(SVG not in data for data in sent[:-1])
    assert "loop (finished)" in parse(sent[-1][SVG]).find(f"{NS}title").text

    off = tc.Run("quiet")
    with off.live(every=0, static=False):
        off.log(loss=1.0)
    assert SVG not in shell.messages[-1]["data"]


def test_a_failed_run_ends_with_its_picture(shell):
    run = tc.Run("crash")
    with pytest.raises(RuntimeError), run.live(every=0):
        run.log(loss=1.0)
        raise RuntimeError("out of memory")
    final = shell.messages[-1]["data"]
    assert "crash (failed)" in parse(final[SVG]).find(f"{NS}title").text


def test_keras_liveplot_without_live_pictures_sends_one_at_the_end(digits, shell):
    pytest.importorskip("keras")
    tc.configure(live_static=False)
    x, y = digits
    fit = dict(validation_data=(x[1000:], y[1000:]), batch_size=128, verbose=0)
    digits_model().fit(
        x[:1000], y[:1000], epochs=4, callbacks=[tc.LivePlot(name="k", every=0)], **fit
    )
    sent = live_messages(shell)
    assert len(sent) >= 4
    assert all(SVG not in data for data in sent[:-1])
    tree = parse(sent[-1][SVG])
    assert len(series(tree)) == 4
    assert texts(tree, "tc-title") == ["k"]

    shell.messages.clear()
    plot = tc.LivePlot(name="k2", every=0, static=False)
    digits_model().fit(x[:1000], y[:1000], epochs=2, callbacks=[plot], **fit)
    assert all(SVG not in data for data in live_messages(shell))


def test_a_comparison_following_a_training_run_without_live_pictures(shell):
    tc.configure(live_static=False)
    tc.show({"loss": [1.0, 0.5]}, name="done")
    training = tc.Run("training")
    with training.live(every=0):
        tc.compare("done", "training")
        assert SVG not in shell.messages[-1]["data"]  # a run is still going
        training.log(loss=1.0)
    final = shell.messages[-1]["data"]  # the comparison's, after the run's own
    assert len(final[MIME_TYPE]["runs"]) == 2
    assert texts(parse(final[SVG]), "tc-legend")[:2] == [
        "done finished",
        "training finished",
    ]


def test_watch_ends_with_the_picture(tmp_path, shell):
    run = tc.Run("remote")
    run.log_to(tmp_path / "remote.jsonl")
    for epoch in range(3):
        run.log(epoch, loss=1 / (epoch + 1))
    run.finish()
    tc.watch(str(tmp_path / "*.jsonl"), block=True, timeout=10, every=0.05)
    sent = live_messages(shell)
    assert SVG not in sent[0]  # waiting for files: no panel yet
    assert texts(parse(sent[-1][SVG]), "tc-title") == ["remote"]


@pytest.mark.parametrize(
    "values",
    [[1e308, -1e308, 1.0], [1e-320, 2e-320, 3e-320], [5.0, 5.0], [0.0, 1e-12]],
    ids=["beyond-float-range", "subnormal", "flat", "tiny"],
)
def test_extreme_values_still_draw(values):
    picture = svg([tc.Run.from_history({"loss": values})])
    (line,) = series(parse(picture))
    assert re.fullmatch(r"M[\d.]+,[\d.]+L[\d., ]+", line.get("d"))


def test_a_panel_without_metrics_has_no_picture():
    run = tc.Run("layers only")
    run.finish()
    assert SVG not in bundle([run])


def test_layer_distributions_are_drawn_as_band_charts():
    pytest.importorskip("numpy")  # layer summaries
    tree = parse(svg([fixture_run("distributions")]))
    layers = tree.findall(f".//{NS}path[@class='tc-layer']")
    assert [p.get("data-layer") for p in layers] == [
        "hidden",
        "dying",
        "logits",
        "hidden/kernel",
    ]
    words = " ".join(t.text or "" for t in tree.iter(f"{NS}text"))
    assert "Distributions" in words and "hidden/kernel (weights)" in words
    assert "dead @ 6" in words and "exploding @ 5" in words
    # a snapshot of layers alone, with a hostile name, still gets a picture
    snapshot = tc.Run("snapshot")
    snapshot.log_distribution('<script>alert(1)</script>" onload="x', [0.0, 1.0, 2.0])
    snapshot.finish()
    picture = bundle([snapshot])[SVG]
    tree = parse(picture)
    assert not tree.findall(f".//{NS}script")
    assert all(not k.startswith("on") for e in tree.iter() for k in e.attrib)
    assert "<script>" not in picture
