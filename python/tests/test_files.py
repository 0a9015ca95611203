"""Runs on disk: save/load round trips, History JSON, Keras CSVLogger files."""

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import traincurves as tc
from traincurves.readers import LoadWarning
from traincurves.run import STATUSES

numbers = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
)
names = st.text(min_size=1, max_size=12)


@st.composite
def runs(draw):
    run = tc.Run(
        draw(names),
        params=draw(
            st.dictionaries(
                names,
                st.one_of(st.integers(), st.text(max_size=5), st.booleans()),
                max_size=3,
            )
        ),
    )
    epochs = sorted(draw(st.sets(st.integers(0, 500), min_size=1, max_size=12)))
    metrics = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    for epoch in epochs:
        run.log_values(
            {m: draw(numbers) for m in metrics},
            epoch,
            time=draw(st.none() | st.floats(0, 1e6)),
        )
    for step in range(draw(st.integers(0, 5))):
        run.log_batch(step=step, loss=draw(numbers))
    if draw(st.booleans()):
        run.add_event(
            "early_stop", epochs[-1], best_epoch=epochs[0], monitor="val_loss"
        )
    run.status = draw(st.sampled_from(STATUSES))
    return run


def same(a, b):
    return (a is None and b is None) or (
        a is not None
        and b is not None
        and (a == b or (math.isnan(a) and math.isnan(b)))
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(run=runs())
def test_any_run_survives_save_and_load(run, tmp_path):
    path = run.save(tmp_path / "run.json")
    back = tc.load(path)
    assert (back.name, back.id, back.status, back.params) == (
        run.name,
        run.id,
        run.status,
        run.params,
    )
    assert back.epochs == run.epochs
    assert back.times == run.times
    assert back.events == run.events
    assert set(back) == set(run)
    for metric in run:
        assert all(same(x, y) for x, y in zip(back[metric], run[metric], strict=True))
    assert back.batches.keys() == run.batches.keys()
    for key, column in run.batches.items():
        assert all(same(x, y) for x, y in zip(back.batches[key], column, strict=True))
    json.loads(path.read_text())  # standard JSON: no NaN literals


def test_history_json_and_show_path(tmp_path, shell):
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"loss": [1.0, float("nan")], "val_loss": [1.1, 0.9]}))
    run = tc.load(path)
    assert run.name == "baseline" and math.isnan(run["loss"][1])
    tc.show(str(path))
    assert shell.messages[-1]["data"][tc.MIME_TYPE]["runs"][0]["name"] == "baseline"


def test_keras_csvlogger_file(tmp_path):
    keras = pytest.importorskip("keras")
    import numpy as np

    path = tmp_path / "log.csv"
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((32, 4), dtype=np.float32)
    model.fit(
        x,
        x[:, :1],
        validation_split=0.25,
        epochs=3,
        verbose=0,
        callbacks=[keras.callbacks.CSVLogger(str(path))],
    )
    run = tc.load(path)
    assert run.name == "log"
    assert run.epochs == [0, 1, 2]
    assert set(run) == {"loss", "val_loss"}


def test_csv_with_nan_cells_and_missing_values(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("epoch,loss,val_loss\n0,1.5,1.6\n1,nan,\n2,0.5,0.7\n")
    run = tc.load(path)
    assert math.isnan(run["loss"][1]) and run["val_loss"][1] is None


def test_csv_rows_that_do_not_fit_are_left_out_with_their_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("epoch,loss\n0,1.0\n1,0.5,0.3\n2,high\n3,0.25\n")
    with pytest.warns(LoadWarning) as caught:
        run = tc.load(path)
    assert run.epochs == [0, 3] and run["loss"] == [1.0, 0.25]
    (warning,) = caught
    message = str(warning.message)
    assert message.startswith(f"{path}: read in part")
    assert "header's 2 fields (line 3)" in message
    assert "line 4: 'high'" in message


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.csv", "", r"bad.csv: the file is empty"),
        ("x.json", "{not json", r"x.json, line 1: not valid JSON"),
        ("x.json", "[1, 2]", r"holds a JSON list of numbers with no metric names"),
        (
            "x.json",
            '{"format": "traincurves.run", "version": 9}',
            r"version 9; this traincurves reads version 1",
        ),
        ("x.txt", "hello there\nthis is no log\n", r"x.txt: not a training log"),
    ],
)
def test_anything_else_gets_a_clear_error(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        tc.load(path)
