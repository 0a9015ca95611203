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


def test_log_to_mid_run_writes_everything_logged_before(tmp_path):
    pytest.importorskip("numpy")  # layer summaries
    from traincurves.watch import FileFollower

    path = tmp_path / "late.jsonl"
    run = tc.Run("late", params={"lr": 0.1}, total_epochs=4)
    run.steps_per_epoch = 2
    run.add_event("params", None, params={"batch_size": "32"})
    run.log_batch(step=0, loss=1.2)
    run.log_batch(step=1, loss=1.1, grad_norm=3.0)
    run.log_distribution("dense", [0.0, 1.0, 2.0, 3.0])
    run.log(epoch=0, time=1.5, loss=1.0, val_loss=1.3)
    run.log_batch(step=0, loss=0.9)
    run.add_event("lr_drop", 0, factor=0.5)
    run.log(epoch=1, time=3.0, loss=0.8, lr=0.05)  # a column from epoch 1 on
    run.log(epoch=2, time=3.5, new=None)  # a column with no value yet
    run.log_to(path)
    run.log_batch(step=0, epoch=3, loss=0.7)
    run.log_distribution("dense", [0.0, 0.0, 5.0], epoch=3)
    run.log(epoch=3, time=4.5, loss=0.6, val_loss=1.0)
    run.add_event("early_stop", 3, best_epoch=3)
    run.finish("stopped_early")

    kinds = [r["type"] for r in records(path)]
    assert kinds[0] == "start" and kinds[-1] == "end"
    assert kinds.count("batch") == 4 and kinds.count("event") == 3
    follower = FileFollower(path)  # what tc.watch reads with
    follower.poll()
    for back in (tc.load(path), follower.run):
        assert (back.name, back.id, back.params, back.status) == (
            "late",
            run.id,
            {"lr": 0.1},
            "stopped_early",
        )
        assert (back.total_epochs, back.steps_per_epoch) == (4, 2)
        assert back.epochs == run.epochs == [0, 1, 2, 3]
        assert back.metrics == run.metrics
        assert list(back.metrics) == ["loss", "val_loss", "lr", "new"]
        assert back.times == run.times == [1.5, 3.0, 3.5, 4.5]
        assert back.batches == run.batches
        assert back.batches["epoch"] == [0, 0, 1, 3]
        assert back.batches["grad_norm"] == [None, 3.0, None, None]
        assert back.events == run.events
        assert [e["kind"] for e in back.events] == ["params", "lr_drop", "early_stop"]
        assert list(back.distributions) == ["dense"]
        found, logged = back.distributions["dense"], run.distributions["dense"]
        assert (found.kind, found.epochs) == ("activations", [0, 3])
        assert found.summaries == logged.summaries


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


def run_script(tmp_path, body):
    """Run ``body`` as a script in a fresh Python, as a training job runs."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(body))
    # The traincurves these tests import, not an older installed copy.
    source = str(Path(tc.__file__).resolve().parents[1])
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": source},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("ending", "status", "message"),
    [
        ('raise RuntimeError("disk full")', "failed", "RuntimeError: disk full"),
        (
            # Ctrl-C in a terminal; the handler as there (a job started in
            # the background, as CI may be, inherits SIGINT ignored).
            "import os, signal; signal.signal(signal.SIGINT, signal.default_int_handler)"
            "; os.kill(os.getpid(), signal.SIGINT)",
            "interrupted",
            "KeyboardInterrupt",
        ),
        ("pass", "finished", None),
    ],
)
def test_a_job_that_dies_still_ends_its_file(tmp_path, ending, status, message):
    """A script whose training dies of an uncaught exception (or Ctrl-C)
    never reaches its end: the file must not say "running" for ever."""
    done = run_script(
        tmp_path,
        f"""
        import traincurves as tc
        run = tc.Run("job")
        run.log_to("job.jsonl")
        run.log(0, loss=1.0)
        run.log(1, loss=0.5)
        {ending}
        """,
    )
    assert (done.returncode == 0) == (status == "finished"), done.stderr
    loaded = tc.load(tmp_path / "job.jsonl")
    assert loaded.status == status
    assert loaded["loss"] == [1.0, 0.5]
    if message is not None:
        assert loaded.events[-1] == {"kind": status, "message": message}
        assert message.split(":")[0] in done.stderr  # the traceback still shows


def test_a_keras_job_that_raises_ends_its_file_failed(tmp_path):
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    done = run_script(
        tmp_path,
        """
        import os
        os.environ.setdefault("KERAS_BACKEND", "torch")
        import keras
        from sklearn.datasets import load_digits
        import traincurves as tc

        x, y = load_digits(return_X_y=True)
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10)])
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(True))

        class Boom(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if epoch == 2:
                    raise RuntimeError("out of memory")

        model.fit(x / 16, y, epochs=10, verbose=0,
                  callbacks=[tc.JSONLogger("keras.jsonl", name="job"), Boom()])
        """,
    )
    assert done.returncode == 1
    loaded = tc.load(tmp_path / "keras.jsonl")
    assert loaded.status == "failed"
    assert len(loaded) == 3
    assert loaded.events[-1]["message"] == "RuntimeError: out of memory"
