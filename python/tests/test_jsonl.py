"""Runs written as JSON Lines: record format, rank rules, reading back."""

import json
import math

import pytest

import traincurves as tc


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_log_to_writes_whole_records_and_loads_back(tmp_path):
    path = tmp_path / "runs" / "sgd.jsonl"
    run = tc.Run("sgd", params={"lr": 0.1})
    run.log_to(path)
    run.log(epoch=0, loss=1.0, val_loss=math.nan)
    run.log_batch(step=0, loss=0.9)
    run.add_event("early_stop", 0, best_epoch=0)
    run.finish("stopped_early")
    kinds = [r["type"] for r in records(path)]
    assert kinds == ["start", "epoch", "batch", "event", "end"]
    assert records(path)[1]["metrics"] == {"loss": 1.0, "val_loss": "nan"}
    back = tc.load(path)
    assert (back.name, back.id, back.status, back.params) == (
        "sgd",
        run.id,
        "stopped_early",
        {"lr": 0.1},
    )
    assert back["loss"] == [1.0] and math.isnan(back["val_loss"][0])
    assert back.batches["loss"] == [0.9]
    assert back.events == [{"kind": "early_stop", "epoch": 0, "best_epoch": 0}]


def test_a_partial_last_line_is_not_read_and_a_corrupt_line_is_skipped(tmp_path):
    path = tmp_path / "r.jsonl"
    start = {"type": "start", "version": 1, "run": "r", "id": "x"}
    epoch = {"type": "epoch", "epoch": 0, "metrics": {"loss": 1.0}}
    path.write_text(
        json.dumps(start) + "\n{broken\n" + json.dumps(epoch) + '\n{"type": "epo'
    )
    with pytest.warns(RuntimeWarning, match=r"r.jsonl, line 2: skipped a record"):
        run = tc.load(path)
    assert run.epochs == [0] and run.status == "running"


@pytest.mark.parametrize(
    ("rank", "per_rank", "written"),
    [("0", False, ["a.jsonl"]), ("1", False, []), ("3", True, ["a.rank3.jsonl"])],
)
def test_only_rank_0_writes_unless_per_rank(
    tmp_path, monkeypatch, rank, per_rank, written
):
    monkeypatch.setenv("RANK", rank)
    run = tc.Run("a")
    run.log_to(tmp_path / "a.jsonl", per_rank=per_rank)
    run.log(loss=1.0)
    run.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == written


def test_keras_jsonlogger_writes_a_real_fit(tmp_path, shell):
    keras = pytest.importorskip("keras")
    import numpy as np

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((64, 4), dtype=np.float32)
    path = tmp_path / "fit.jsonl"
    model.fit(
        x,
        x[:, :1],
        validation_split=0.25,
        epochs=3,
        batch_size=16,
        verbose=0,
        callbacks=[tc.JSONLogger(path, name="fit", batches=True)],
    )
    assert shell.messages == []  # written, not shown
    kinds = [r["type"] for r in records(path)]
    assert kinds[0] == "start" and kinds[-1] == "end"
    assert kinds.count("epoch") == 3 and kinds.count("batch") == 9
    run = tc.load(path)
    assert run.name == "fit" and run.status == "finished"
    assert set(run) == {"loss", "val_loss"}
