"""TensorBoard event files and logdirs, written by the real writers."""

import sys
import time

import numpy as np
import pytest
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.summary.writer.event_file_writer import EventFileWriter
from tensorboard.util import tensor_util
from torch.utils.tensorboard import SummaryWriter

import traincurves as tc
from traincurves.payload import MIME_TYPE
from traincurves.readers import tensorboard as tb
from traincurves.readers.base import LoadError, LoadWarning


def summary_writer_run(folder, epochs=5, offset=0.0):
    writer = SummaryWriter(str(folder))
    for e in range(epochs):
        writer.add_scalar("loss", 1 / (e + 1) + offset, e)
        writer.add_scalar("val_loss", 1.5 / (e + 1) + offset, e)
    writer.close()


class KerasLayout:
    """Writes what Keras' TensorBoard callback writes, with the tensorboard
    package's own writer: scalars as rank-0 tensors whose plugin is named
    only in a tag's first value (as TensorFlow's summary ops do), train/ and
    validation/ folders. The callback itself needs TensorFlow."""

    def __init__(self, folder):
        self.writers = {
            role: EventFileWriter(str(folder / role))
            for role in ("train", "validation")
        }
        self.seen = set()
        self.clock = 1_700_000_000.0

    def scalar(self, role, tag, value, step):
        self.clock += 1.0
        entry = summary_pb2.Summary.Value(
            tag=tag, tensor=tensor_util.make_tensor_proto(np.float32(value))
        )
        if (role, tag) not in self.seen:
            self.seen.add((role, tag))
            entry.metadata.CopyFrom(scalar_metadata.create_summary_metadata("", ""))
        event = event_pb2.Event(wall_time=self.clock, step=step)
        event.summary.value.append(entry)
        self.writers[role].add_event(event)

    def close(self):
        for writer in self.writers.values():
            writer.close()


def test_summary_writer_logdir_one_run_per_folder(tmp_path):
    summary_writer_run(tmp_path / "sgd")
    summary_writer_run(tmp_path / "adam", offset=0.1)
    assert tb.sniff(tmp_path)
    runs = tb.read(tmp_path)
    assert [r.name for r in runs] == ["adam", "sgd"]
    sgd = runs[1]
    assert sgd.epochs == [0, 1, 2, 3, 4]
    assert sgd["loss"] == [1.0, 0.5, 0.33333334, 0.25, 0.2]  # float32, shortest
    assert sgd["val_loss"][0] == 1.5
    assert sgd.status == "finished"
    assert all(t is not None and t >= 0 for t in sgd.times)
    assert sgd.started is not None


def test_one_event_file_and_what_is_left_out_is_said(tmp_path):
    writer = SummaryWriter(str(tmp_path / "run"))
    for e in range(3):
        writer.add_scalar("loss", 1.0 - e / 10, e)
        writer.add_histogram("dense/kernel", np.arange(10.0) * e, e)
    writer.close()
    (path,) = (tmp_path / "run").iterdir()
    assert tb.sniff(path)
    with pytest.warns(
        LoadWarning, match=r"tfevents.*left out histograms.*dense/kernel"
    ):
        (run,) = tb.read(path)
    assert run.name == "run" and run["loss"] == [1.0, 0.9, 0.8]


def test_keras_train_and_validation_folders_are_one_run(tmp_path):
    keras = KerasLayout(tmp_path / "fit")
    batches = 4
    for epoch in range(3):
        for b in range(batches):
            keras.scalar(
                "train", "batch_loss", 2.0 - epoch - b / 10, epoch * batches + b
            )
        keras.scalar("train", "epoch_loss", 1.0 / (epoch + 1), epoch)
        keras.scalar("train", "epoch_accuracy", 0.5 + epoch / 10, epoch)
        keras.scalar("validation", "epoch_loss", 1.2 / (epoch + 1), epoch)
        keras.scalar("validation", "epoch_accuracy", 0.4 + epoch / 10, epoch)
        keras.scalar(
            "validation", "evaluation_loss_vs_iterations", 1.2 / (epoch + 1), 4 * epoch
        )
    keras.close()
    (run,) = tb.read(tmp_path)
    assert run.name == "fit"
    assert run.epochs == [0, 1, 2]
    assert set(run.epoch_table.values) == {
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
    }
    assert run["val_loss"] == pytest.approx([1.2, 0.6, 0.4])
    assert run["accuracy"] == pytest.approx([0.5, 0.6, 0.7])
    table = run.batch_table
    assert list(table.epochs) == [0] * 4 + [1] * 4 + [2] * 4
    assert list(table.steps) == [0, 1, 2, 3] * 3
    assert table.values["loss"][4] == pytest.approx(1.0)  # epoch 1, batch 0


def test_steps_become_epochs(tmp_path):
    writer = SummaryWriter(str(tmp_path / "every-100"))
    for step in range(100, 600, 100):  # logged every 100 optimizer steps
        writer.add_scalar("loss", 1000 / step, step)
    writer.close()
    writer = SummaryWriter(str(tmp_path / "mixed"))
    for step in range(20):
        writer.add_scalar("train/loss", 1.0, step)  # every step
        if step % 10 == 9:
            writer.add_scalar("val/loss", 2.0, step)  # every 10 steps
    writer.close()
    every, mixed = tb.read(tmp_path)
    assert every.epochs == [0, 1, 2, 3, 4] and every.steps_per_epoch == 100
    assert every["loss"] == [10.0, 5.0, pytest.approx(3.3333333), 2.5, 2.0]
    assert mixed.epochs == list(range(20)) and mixed.steps_per_epoch == 1
    assert [i for i, v in enumerate(mixed["val/loss"]) if v is not None] == [9, 19]


def test_every_point_is_kept_beyond_tensorboards_reservoir(tmp_path):
    writer = SummaryWriter(str(tmp_path / "long"))
    for step in range(12_000):
        writer.add_scalar("loss", float(step), step)
    writer.close()
    (run,) = tb.read(tmp_path)
    assert len(run) == 12_000 and run["loss"][-1] == 11_999.0


def test_nan_and_inf_are_kept(tmp_path):
    writer = SummaryWriter(str(tmp_path / "bad"))
    for e, value in enumerate([1.0, float("nan"), float("inf")]):
        writer.add_scalar("loss", value, e)
    writer.close()
    (run,) = tb.read(tmp_path)
    loss = run["loss"]
    assert loss[0] == 1.0 and np.isnan(loss[1]) and loss[2] == float("inf")


def test_truncated_and_corrupt_files(tmp_path):
    summary_writer_run(tmp_path / "cut")
    (path,) = (tmp_path / "cut").iterdir()
    data = path.read_bytes()
    path.write_bytes(data[:-7])  # the last record cut short
    with pytest.warns(LoadWarning, match=r"tfevents.*incomplete last record"):
        (run,) = tb.read(tmp_path)
    assert run.epochs == [0, 1, 2, 3, 4]
    assert run["val_loss"][-1] is None  # the cut record, nothing else

    corrupt = bytearray(data)
    corrupt[len(data) // 2] ^= 0xFF  # a flipped byte in the middle
    path.write_bytes(bytes(corrupt))
    with pytest.warns(LoadWarning, match=r"everything from a corrupt record after"):
        (run,) = tb.read(tmp_path)
    assert 0 < len(run) < 5

    path.write_bytes(data[:30])  # cut inside the first records: nothing to read
    with pytest.raises(
        LoadError,
        match=r"cut/events.out.tfevents[^:]*: no scalars could be read: an incomplete",
    ):
        tb.read(tmp_path)


def test_a_folder_without_event_files_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    assert not tb.sniff(tmp_path)
    with pytest.raises(LoadError, match=str(tmp_path) + r": holds no TensorBoard"):
        tb.read(tmp_path)


def test_missing_package_names_the_extra(tmp_path, monkeypatch):
    summary_writer_run(tmp_path / "a")
    monkeypatch.setitem(sys.modules, "tensorboard.compat.proto", None)
    with pytest.raises(ImportError, match=r"pip install traincurves\[tensorboard\]"):
        tb.read(tmp_path)


def test_logdir_grows_new_events_new_files_new_runs(tmp_path):
    logdir = tb.Logdir(tmp_path)
    assert not logdir.poll()
    writer = SummaryWriter(str(tmp_path / "a"), flush_secs=3600)
    writer.add_scalar("loss", 1.0, 0)
    writer.flush()
    assert logdir.poll()
    assert [r.epochs for r in logdir.runs()] == [[0]]
    writer.add_scalar("loss", 0.5, 1)
    writer.flush()
    assert logdir.poll() and logdir.runs()[0]["loss"] == [1.0, 0.5]
    assert not logdir.poll()  # nothing new
    second = SummaryWriter(str(tmp_path / "b"))
    second.add_scalar("loss", 2.0, 0)
    second.close()
    writer.close()
    assert logdir.poll()
    assert [r.name for r in logdir.runs()] == ["a", "b"]
    first = logdir.runs()[0]
    assert first.id == logdir.runs()[0].id  # the same panel series each time


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not catch up"
        time.sleep(0.02)


def test_watch_follows_a_logdir_live(tmp_path, shell):
    summary_writer_run(tmp_path / "first", epochs=2)
    watcher = tc.watch(tmp_path, every=0.05, timeout=60)
    try:
        wait_for(lambda: [r.name for r in watcher.runs] == ["first"])
        writer = SummaryWriter(str(tmp_path / "second"), flush_secs=3600)
        for e in range(3):
            writer.add_scalar("loss", 1.0 / (e + 1), e)
            writer.flush()
        writer.close()
        wait_for(lambda: len(watcher.runs) == 2 and len(watcher.runs[1]) == 3)
    finally:
        watcher.stop()
    first, second = watcher.runs
    assert second.name == "second" and second["loss"] == [1.0, 0.5, 0.33333334]
    assert first.status == "running"  # event files never say they ended
    shown = shell.messages[-1]["data"][MIME_TYPE]["runs"]
    assert [r["name"] for r in shown] == ["first", "second"]
    assert "2 runs" in repr(watcher)


def test_watch_a_logdir_in_the_cell_until_timeout(tmp_path, shell):
    writer = SummaryWriter(str(tmp_path / "job"))
    for e in range(4):
        writer.add_scalar("loss", float(e), e)
    writer.close()
    watcher = tc.watch(tmp_path, block=True, timeout=0.3, every=0.05)
    (run,) = watcher.runs
    assert run["loss"] == [0.0, 1.0, 2.0, 3.0]
    assert shell.messages[-1]["data"][MIME_TYPE]["runs"][0]["name"] == "job"


def test_tc_load_reads_a_logdir(tmp_path):
    summary_writer_run(tmp_path / "logs" / "only")
    run = tc.load(tmp_path / "logs")
    assert run.name == "only" and len(run) == 5
    summary_writer_run(tmp_path / "logs" / "other")
    assert [r.name for r in tc.load_all(tmp_path / "logs")] == ["only", "other"]


def test_a_folder_of_several_kinds_of_logs(tmp_path):
    summary_writer_run(tmp_path / "tb" / "sgd")
    run = tc.Run("jsonl-run")
    run.log_to(tmp_path / "job.jsonl")
    run.log(0, loss=1.0)
    run.finish()
    assert tb.sniff(tmp_path / "tb") and not tb.sniff(tmp_path)
    names = sorted(r.name for r in tc.load_all(tmp_path))
    assert names == ["jsonl-run", "sgd"]
