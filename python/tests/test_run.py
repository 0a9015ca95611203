"""The Run model: logging, merging, best and last values, status."""

import math

import pytest

import traincurves as tc


def test_log_defaults_to_the_next_epoch_and_merges_repeats():
    run = tc.Run("r")
    run.log(loss=1.0)
    run.log(loss=0.5)
    run.log(epoch=1, val_loss=0.7)  # validation arrives in a second call
    assert run.epochs == [0, 1]
    assert run.metrics == {"loss": [1.0, 0.5], "val_loss": [None, 0.7]}


def test_epochs_logged_out_of_order_are_kept_sorted():
    run = tc.Run()
    run.log(epoch=2, loss=0.2)
    run.log(epoch=0, loss=1.0)
    assert run.epochs == [0, 2]
    assert run["loss"] == [1.0, 0.2]


def test_metric_appearing_later_is_absent_before():
    run = tc.Run()
    run.log(loss=1.0)
    run.log(loss=0.9, lr=0.01)
    assert run["lr"] == [None, 0.01]


def test_best_follows_the_metric_direction_and_skips_nan():
    run = tc.Run.from_history(
        {
            "val_loss": [0.9, 0.4, math.nan, 0.6],
            "val_accuracy": [0.5, 0.8, 0.9, 0.7],
            "lr": [0.1, 0.1, 0.01, 0.01],
        }
    )
    assert run.best("val_loss") == (1, 0.4)
    assert run.best("val_accuracy") == (2, 0.9)
    assert run.best("lr") is None
    epoch, value = run.last("val_loss")
    assert epoch == 3 and value == 0.6
    # an agent's reward and return, PSNR, MCC: higher is better
    scores = {"episode_reward": [-50, -20, -35], "val_psnr": [20, 24, 23]}
    scores |= {"eval_return": [1.0, 3.0, 2.0], "val_mcc": [0.2, 0.6, 0.5]}
    run = tc.Run.from_history(scores)
    assert all(run.best(name) == (1, values[1]) for name, values in scores.items())
    # a loss named for what it scores is still a loss
    losses = {"val_dice_loss": [0.5, 0.2, 0.3], "reward_loss": [2.0, 1.0, 1.5]}
    run = tc.Run.from_history(losses)
    assert all(run.best(name) == (1, values[1]) for name, values in losses.items())


def test_params_are_json_scalars_or_text():
    run = tc.Run(
        "r", params={"lr": 0.1, "layers": [64, 32], "opt": None, "nan": math.nan}
    )
    assert run.params == {"lr": 0.1, "layers": "[64, 32]", "opt": None, "nan": "nan"}


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="run name must be a string"):
        tc.Run(3)
    with pytest.raises(TypeError, match="params must be a mapping"):
        tc.Run("r", params=[1])
    run = tc.Run()
    with pytest.raises(ValueError, match="epoch must be >= 0"):
        run.log(epoch=-1, loss=1)
    with pytest.raises(TypeError, match="epoch must be an integer"):
        run.log(epoch=1.5, loss=1)
    with pytest.raises(TypeError, match="metric 'loss' at epoch 0 is str"):
        run.log(epoch=0, loss="high")
    with pytest.raises(ValueError, match="unknown status 'done'"):
        run.finish("done")
    with pytest.raises(KeyError, match="no metric 'acc' in run 'run'; known: none"):
        run["acc"]


def test_a_rejected_log_call_changes_nothing():
    run = tc.Run()
    run.log(loss=1.0)
    with pytest.raises(TypeError):
        run.log(loss=0.5, acc="x")
    assert run.epochs == [0] and run.metrics == {"loss": [1.0]}


def test_logging_records_time_since_start():
    run = tc.Run()
    run.log(loss=1.0)
    run.log(loss=0.5, time=12.5)
    assert run.times[0] is not None and 0 <= run.times[0] < 5
    assert run.times[1] == 12.5


def test_batches_arriving_out_of_order_are_kept_in_order():
    run = tc.Run()
    for epoch, step, loss in [(0, 0, 1.0), (0, 2, 0.8), (0, 1, 0.9), (1, 0, 0.7)]:
        run.log_batch(step=step, epoch=epoch, loss=loss)
    assert run.batches == {
        "epoch": [0, 0, 0, 1],
        "step": [0, 1, 2, 0],
        "loss": [1.0, 0.9, 0.8, 0.7],
    }


def test_best_and_nonfinite_stay_right_however_epochs_arrive():
    """The incremental tally against a plain scan, for logging in any order,
    merges into earlier epochs and replaced values."""
    import math
    import random

    rng = random.Random(7)
    for trial in range(40):
        run = tc.Run("tally")
        for _ in range(60):
            epoch = rng.choice([len(run), len(run), rng.randrange(len(run) + 1)])
            name = rng.choice(["loss", "val_loss", "accuracy", "lr"])
            value = rng.choice([rng.random(), rng.random(), math.nan, -math.inf])
            run.log(epoch, **{name: value})
            if rng.random() < 0.3:  # ask mid-way, as live updates do
                run.best("loss") if "loss" in run else None
        for name in run:
            column = run[name]
            finite = [
                (e, v)
                for e, v in zip(run.epochs, column)
                if v is not None and math.isfinite(v)
            ]
            expected = None
            if name != "lr" and finite:
                pick = min if name.endswith("loss") else max
                value = pick(v for _, v in finite)
                expected = next((e, v) for e, v in finite if v == value)
            assert run.best(name) == expected, (trial, name)
            bad = [
                (e, "nan" if math.isnan(v) else "-inf")
                for e, v in zip(run.epochs, column)
                if v is not None and not math.isfinite(v)
            ]
            assert run.nonfinite.get(name, []) == bad, (trial, name)


def test_followers_are_told_everything_through_one_interface():
    from traincurves.followers import Follower

    class Recorder(Follower):
        def __init__(self):
            self.seen = []

        def epoch(self, run, epoch, time, values):
            self.seen.append(("epoch", epoch, values))

        def batch(self, run, epoch, step, values):
            self.seen.append(("batch", epoch, step, values))

        def event(self, run, event):
            self.seen.append(("event", event["kind"]))

        def changed(self, run, final):
            self.seen.append(("changed", final))

        def ended(self, run):
            self.seen.append(("ended", run.status))

    run = tc.Run("r")
    run.started = None
    run.log(loss=1.0)
    run.log_batch(loss=0.5)
    run.add_event("note", 0)
    late = Recorder()
    run.follow(late, replay=True)  # what came before, whole rows
    run.follow(late, replay=True)  # once, however often it is added
    assert late.seen == [
        ("epoch", 0, {"loss": 1.0}),
        ("batch", 1, 0, {"loss": 0.5}),
        ("event", "note"),
    ]
    late.seen.clear()
    with run.one_change():  # one change for the panels, every record
        run.log(loss=0.9)
        run.log(epoch=1, val_loss=0.8)
    run.finish("stopped_early")
    run.stop_live()
    assert late.seen == [
        ("epoch", 1, {"loss": 0.9}),
        ("epoch", 1, {"val_loss": 0.8}),
        ("changed", False),
        ("ended", "stopped_early"),
        ("changed", True),
    ]
    run.unfollow(late)
    run.log(loss=0.8)
    assert late.seen[-1] == ("changed", True)
    assert late not in run.followers
