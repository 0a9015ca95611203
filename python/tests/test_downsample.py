"""Bounded batch series: min-max buckets, kept incrementally between updates."""

import json
import math
import random

import pytest

import traincurves as tc
from traincurves.downsample import BucketReducer, minmax_indices
from traincurves.payload import MIME_TYPE, bundle, payload


def walk(length, seed=0, gaps=()):
    rng = random.Random(seed)
    value, column = 0.0, []
    for _ in range(length):
        value += rng.gauss(0, 1)
        column.append(value)
    for start, stop, fill in gaps:
        column[start:stop] = [fill] * (stop - start)
    return column


def test_short_columns_are_kept_whole():
    assert minmax_indices([[1.0, 2.0, 3.0]], 10) == [0, 1, 2]


def test_reduced_rows_keep_the_ends_and_the_extremes_of_every_column():
    loss, acc = walk(50_000, seed=1), walk(50_000, seed=2)
    rows = minmax_indices([loss, acc], 900)
    assert len(rows) <= 900
    assert rows == sorted(set(rows))
    for column in (loss, acc):
        assert column.index(min(column)) in rows
        assert column.index(max(column)) in rows
    assert rows[0] == 0 and rows[-1] == 49_999


def test_every_non_finite_stretch_keeps_its_edges():
    gaps = [(1000, 1500, math.nan), (7000, 7001, math.inf), (20_000, 30_000, None)]
    column = walk(40_000, gaps=gaps)
    rows = set(minmax_indices([column], 600))
    assert {1000, 1499, 7000} <= rows
    # a stretch is not kept point by point
    assert len(rows & set(range(1000, 1500))) < 20


def test_growing_in_steps_gives_the_same_rows_as_reducing_at_once():
    loss, acc = walk(30_000, seed=3), walk(30_000, seed=4)
    acc[100:200] = [None] * 100  # a metric not logged for a while
    reducer = BucketReducer()
    for length in (500, 1001, 4096, 4097, 12_345, 30_000):
        grown = reducer.indices(["loss", "acc"], [loss[:length], acc[:length]], 1000)
        fresh = minmax_indices([loss[:length], acc[:length]], 1000)
        assert grown == fresh, length


def test_an_out_of_order_batch_is_placed_and_the_reduction_redone():
    run = tc.Run("async")
    run.steps_per_epoch = 100
    for step in range(5000):
        if step != 2500:
            run.log_batch(step=step % 100, epoch=step // 100, loss=float(step))
    payload([run], max_bytes=50_000)  # summarise the buckets once
    run.log_batch(step=0, epoch=25, loss=-1.0)  # the late one is the minimum
    batches = payload([run], max_bytes=50_000)["runs"][0]["batches"]
    assert batches["count"] == 5000
    assert min(batches["metrics"]["loss"]) == -1.0
    assert 25.01 in batches["x"]
    assert batches["x"] == sorted(batches["x"])


def long_run(batches, epochs, metrics=("loss", "accuracy")):
    run = tc.Run("long")
    steps = batches // epochs
    run.steps_per_epoch = steps
    rng = random.Random(0)
    for epoch in range(epochs):
        for step in range(steps):
            run.log_batch(step=step, epoch=epoch, **{m: rng.random() for m in metrics})
        run.log(epoch=epoch, loss=1.0, val_loss=1.0, accuracy=0.5, val_accuracy=0.5)
    return run


@pytest.mark.parametrize("max_bytes", [60_000, 100_000, 400_000, None])
def test_the_payload_stays_under_its_cap(max_bytes):
    # float64 values: longer in JSON than Keras' float32 ones
    run = long_run(200_000, 200)
    if max_bytes is None:  # the default, about 1 MB
        data, max_bytes = bundle([run])[MIME_TYPE], 1_000_000
    else:
        data = payload([run], max_bytes=max_bytes)
    size = len(json.dumps(data, separators=(",", ":")))
    batches = data["runs"][0]["batches"]
    print(f"cap {max_bytes:,}: {size:,} bytes, {len(batches['x']):,} points")
    assert size <= max_bytes
    assert size > max_bytes / 3  # the room is used for detail, not wasted
    assert batches["count"] == 200_000
    assert len(run.batches["loss"]) == 200_000  # the run keeps everything


def test_a_small_run_is_not_reduced():
    run = long_run(5000, 10)
    batches = bundle([run])[MIME_TYPE]["runs"][0]["batches"]
    assert len(batches["x"]) == batches["count"] == 5000


def test_runs_in_a_comparison_share_the_cap():
    runs = [long_run(100_000, 100) for _ in range(4)]
    data = payload(runs, max_bytes=400_000)
    assert len(json.dumps(data, separators=(",", ":"))) <= 400_000
    shown = [len(r["batches"]["x"]) for r in data["runs"]]
    assert max(shown) - min(shown) < max(shown) * 0.1


def test_the_cap_is_configured_for_the_kernel():
    from traincurves import config

    run = long_run(100_000, 100)
    try:
        assert tc.configure(max_bytes=60_000).max_bytes == 60_000
        data = bundle([run])[MIME_TYPE]
        assert len(json.dumps(data, separators=(",", ":"))) <= 60_000
        with pytest.raises(ValueError, match="max_bytes must be an integer"):
            tc.configure(max_bytes=100)
    finally:
        config.reset()
    assert len(bundle([run])[MIME_TYPE]["runs"][0]["batches"]["x"]) > 1000


def test_live_updates_are_coarser_and_the_last_one_is_whole():
    from traincurves.live import Update

    run = long_run(200_000, 200)
    run.status = "running"
    live = bundle([run], update=Update(final=False, static=None))[MIME_TYPE]
    run.status = "finished"
    final = bundle([run])[MIME_TYPE]
    live_size = len(json.dumps(live, separators=(",", ":")))
    final_size = len(json.dumps(final, separators=(",", ":")))
    assert live_size <= 1_000_000 / 4 < final_size <= 1_000_000
    shown = [len(p["runs"][0]["batches"]["x"]) for p in (live, final)]
    assert shown[0] < shown[1]


def test_live_updates_of_very_long_panels_reduce_epochs_too():
    from traincurves.live import Update

    rng = random.Random(1)
    runs = []
    for i in range(10):
        run = tc.Run(f"long-{i}")
        for epoch in range(3000):
            run.log(epoch, loss=rng.random(), val_loss=rng.random(), acc=rng.random())
        run.log(1234, val_loss=-1.0)  # the best, mid-history
        runs.append(run)
    live = bundle(runs, update=Update(final=False, static=None))[MIME_TYPE]
    assert len(json.dumps(live, separators=(",", ":"))) <= 1_000_000 / 4
    first = live["runs"][0]
    assert first["epoch_count"] == 3000 and len(first["epochs"]) < 3000
    assert 1235 in first["epochs"] and first["epochs"][-1] == 3000
    index = first["epochs"].index(1235)
    assert first["metrics"]["val_loss"][index] == -1.0
    assert first["best"]["val_loss"]["epoch"] == 1235

    for run in runs:
        run.finish()
    # The last update of one run holds every epoch; a comparison of ten
    # stays under the cap too (issue 17), its curves reduced for display
    # with the best and the last epochs kept.
    alone = bundle(runs[:1], static=False)[MIME_TYPE]["runs"][0]
    assert "epoch_count" not in alone and len(alone["epochs"]) == 3000
    compared = bundle(runs, static=False)[MIME_TYPE]
    assert len(json.dumps(compared, separators=(",", ":"))) <= 1_000_000
    final = compared["runs"][0]
    assert final["epoch_count"] == 3000 and final["epochs"][-1] == 3000
    assert final["best"]["val_loss"]["epoch"] == 1235 and 1235 in final["epochs"]


def test_a_short_curve_takes_a_late_batch_and_a_new_metric():
    from traincurves.payload import batch_payload

    run = tc.Run("short")
    run.steps_per_epoch = 10
    for step in (0, 1, 2, 4, 5):
        run.log_batch(step=step, epoch=0, loss=float(step))
    batch_payload(run, 100_000)
    run.log_batch(step=3, epoch=0, loss=3.0)  # a Keras worker thread's late one
    shown = batch_payload(run, 100_000)
    assert shown["x"] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    assert shown["metrics"]["loss"] == [0, 1, 2, 3, 4, 5]
    run.log_batch(step=6, epoch=0, acc=0.5)  # a metric appears
    shown = batch_payload(run, 100_000)
    assert shown["metrics"]["acc"] == [None] * 6 + [0.5]
    assert shown["metrics"]["loss"][-1] is None
