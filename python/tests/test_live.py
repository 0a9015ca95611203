"""Live panels: a real Keras fit inside a recording IPython shell, and Run.live."""

import math
import os
import re
import signal
import time
import warnings

import pytest
from conftest import digits_model

import traincurves as tc
from traincurves.payload import MIME_TYPE


def displays(shell):
    return [m for m in shell.messages if "data" in m and not m["update"]]


def updates(shell):
    return [m for m in shell.messages if "data" in m and m["update"]]


def last_run(shell):
    return shell.messages[-1]["data"][MIME_TYPE]["runs"][0]


def test_one_panel_updated_in_place_and_throttled(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    every = 0.25
    start = time.monotonic()
    digits_model().fit(
        x[:1000],
        y[:1000],
        validation_data=(x[1000:], y[1000:]),
        epochs=12,
        batch_size=128,
        verbose=0,
        callbacks=[tc.LivePlot(name="live", every=every, params={"lr": 0.01})],
    )
    elapsed = time.monotonic() - start
    assert len(displays(shell)) == 1
    display_id = displays(shell)[0]["transient"]["display_id"]
    sent = updates(shell)
    assert sent and all(m["transient"]["display_id"] == display_id for m in sent)
    # throttled: one per `every` at most, plus the final state
    assert len(sent) <= elapsed / every + 2
    run = last_run(shell)
    assert run["status"] == "finished"
    assert run["epochs"] == list(range(1, 13))
    assert run["params"] == {"lr": 0.01}
    assert set(run["metrics"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert run["progress"]["total"] == 12
    assert all(t is not None for t in run["time"])
    assert "finished, 12 epochs" in shell.messages[-1]["data"]["text/plain"]
    assert not any("clear" in m for m in shell.messages)  # other outputs stay


def test_first_update_shows_running_with_progress(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    digits_model().fit(
        x[:300],
        y[:300],
        epochs=3,
        batch_size=100,
        verbose=0,
        callbacks=[tc.LivePlot(every=0)],
    )
    first = displays(shell)[0]["data"][MIME_TYPE]["runs"][0]
    assert first["status"] == "running" and first["epochs"] == []
    mid = updates(shell)[0]["data"][MIME_TYPE]["runs"][0]
    assert mid["status"] == "running"
    assert mid["progress"]["epoch"] == 1 and mid["progress"]["total"] == 3
    assert len(updates(shell)) == 4  # every epoch (every=0) and the final state


def test_early_stopping_is_recorded(digits, shell):
    keras = pytest.importorskip("keras")
    x, y = digits
    stopper = keras.callbacks.EarlyStopping(monitor="loss", min_delta=10, patience=2)
    digits_model().fit(
        x[:500],
        y[:500],
        epochs=20,
        batch_size=100,
        verbose=0,
        callbacks=[tc.LivePlot(name="es"), stopper],
    )
    run = last_run(shell)
    assert run["status"] == "stopped_early"
    assert len(run["epochs"]) == 3
    assert run["events"] == [
        {"kind": "early_stop", "epoch": 3, "best_epoch": 1, "monitor": "loss"}
    ]
    assert "stopped early at epoch 3" in shell.messages[-1]["data"]["text/plain"]


def test_failure_mid_fit_ends_failed_with_logged_epochs(digits, shell):
    keras = pytest.importorskip("keras")
    from IPython import get_ipython

    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("disk full")

    x, y = digits
    ip = get_ipython()
    ip.user_ns.update(tc=tc, m=digits_model(), x=x[:300], y=y[:300], Boom=Boom)
    result = ip.run_cell(
        "m.fit(x, y, epochs=10, batch_size=100, verbose=0,"
        " callbacks=[tc.LivePlot(name='boom'), Boom()])"
    )
    assert isinstance(result.error_in_exec, RuntimeError)
    run = last_run(shell)
    assert run["status"] == "failed"
    assert run["epochs"] == [1, 2, 3]
    assert run["events"][-1]["kind"] == "failed"
    assert "disk full" in run["events"][-1]["message"]


def test_keyboard_interrupt_ends_interrupted(digits, shell):
    keras = pytest.importorskip("keras")
    from IPython import get_ipython

    class Stop(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    x, y = digits
    ip = get_ipython()
    ip.user_ns.update(tc=tc, m=digits_model(), x=x[:300], y=y[:300], Stop=Stop)
    ip.run_cell(
        "m.fit(x, y, epochs=10, batch_size=100, verbose=0,"
        " callbacks=[tc.LivePlot(name='ki'), Stop()])"
    )
    run = last_run(shell)
    assert run["status"] == "interrupted"
    assert run["epochs"] == [1, 2]


def test_nan_loss_is_recorded_and_training_goes_on(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        digits_model(lr=1e12, optimizer="sgd").fit(
            x[:300],
            y[:300],
            epochs=4,
            batch_size=50,
            verbose=0,
            callbacks=[tc.LivePlot(name="nan")],
        )
    run = last_run(shell)
    assert run["status"] == "finished" and len(run["epochs"]) == 4
    assert "loss" in run["nonfinite"]
    epoch, kind = run["nonfinite"]["loss"][0]
    assert kind in ("nan", "inf") and run["metrics"]["loss"][epoch - 1] is None


def test_stop_on_nan_stops_training(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        digits_model(lr=1e12, optimizer="sgd").fit(
            x[:300],
            y[:300],
            epochs=10,
            batch_size=50,
            verbose=0,
            callbacks=[tc.LivePlot(name="nan", stop_on_nan=True)],
        )
    run = last_run(shell)
    assert run["status"] == "stopped_early"
    assert len(run["epochs"]) < 10
    assert run["events"][0]["kind"] == "nan_stop"


def test_validation_every_second_epoch_is_aligned(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    digits_model().fit(
        x[:300],
        y[:300],
        validation_data=(x[300:400], y[300:400]),
        epochs=4,
        validation_freq=2,
        batch_size=100,
        verbose=0,
        callbacks=[tc.LivePlot()],
    )
    run = last_run(shell)
    assert [v is None for v in run["metrics"]["val_loss"]] == [True, False, True, False]


def test_metric_subset_and_batches(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    digits_model().fit(
        x[:400],
        y[:400],
        validation_split=0.25,
        epochs=3,
        batch_size=100,
        verbose=0,
        callbacks=[tc.LivePlot(metrics=["loss"], batches=True)],
    )
    run = last_run(shell)
    assert set(run["metrics"]) == {"loss", "val_loss"}
    batches = run["batches"]
    assert batches["count"] == 9  # 3 epochs x 3 steps (300 samples / 100)
    assert batches["x"] == pytest.approx(
        [1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2, 7 / 3, 8 / 3, 3]
    )
    assert set(batches["metrics"]) == {"loss"}


def test_a_failing_display_warns_once_and_training_completes(digits, shell):
    pytest.importorskip("keras")  # digits_model

    def broken(*args, update=False, **kwargs):
        if update:
            raise OSError("iopub closed")
        shell.messages.append(
            {"data": args[0] if args else kwargs["data"], "update": False}
        )

    shell.publish = broken
    x, y = digits
    with pytest.warns(
        RuntimeWarning, match="could not update the training panel"
    ) as caught:
        history = digits_model().fit(
            x[:300],
            y[:300],
            epochs=5,
            batch_size=100,
            verbose=0,
            callbacks=[tc.LivePlot(every=0)],
        )
    assert len(history.epoch) == 5
    assert len([w for w in caught if "traincurves" in str(w.message)]) == 1


def test_non_zero_rank_shows_nothing(digits, shell, monkeypatch):
    pytest.importorskip("keras")  # digits_model
    monkeypatch.setenv("RANK", "1")
    x, y = digits
    cb = tc.LivePlot()
    digits_model().fit(
        x[:200], y[:200], epochs=2, batch_size=100, verbose=0, callbacks=[cb]
    )
    assert shell.messages == []
    assert cb.run.epochs == [0, 1]  # still recorded, just not displayed


def test_run_live_in_a_plain_loop(shell):
    run = tc.Run("sgd-0.1", params={"lr": 0.1})
    with run.live(total_epochs=5, every=0):
        for epoch in range(5):
            for step in range(4):
                run.log_batch(step=step, loss=1.0 / (epoch * 4 + step + 1))
            run.log(epoch=epoch, loss=1.0 / (epoch + 1), val_loss=1.2 / (epoch + 1))
    assert len(displays(shell)) == 1
    final = last_run(shell)
    assert final["status"] == "finished"
    assert final["epochs"] == [1, 2, 3, 4, 5]
    assert final["batches"]["count"] == 20
    assert final["batches"]["x"][:4] == [0.25, 0.5, 0.75, 1.0]


@pytest.mark.parametrize(
    ("error", "status"), [(KeyboardInterrupt, "interrupted"), (ValueError, "failed")]
)
def test_run_live_ends_interrupted_or_failed_and_reraises(shell, error, status):
    run = tc.Run("r")
    with pytest.raises(error), run.live(total_epochs=10):
        run.log(loss=1.0)
        run.log(loss=math.nan)
        raise error()
    final = last_run(shell)
    assert final["status"] == status
    assert final["metrics"]["loss"] == [1.0, None]
    assert final["nonfinite"] == {"loss": [[2, "nan"]]}
    assert final["events"] == [{"kind": status, "message": error.__name__}]


@pytest.fixture
def sigint_raises():
    """SIGINT raises KeyboardInterrupt, as in a kernel running a cell; a
    process started in the background (CI, nohup) may have it ignored."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_interrupt_during_the_final_update_comes_after_it(
    shell, monkeypatch, sigint_raises
):
    """A second press of the interrupt button while the panel sends its final
    state: the state goes out whole, then the interrupt is raised."""
    run = tc.Run("r")
    sleep = time.sleep

    def interrupted_sleep(seconds):
        os.kill(os.getpid(), signal.SIGINT)
        sleep(seconds)

    with pytest.raises(KeyboardInterrupt), run.live(every=0.2):
        run.log(loss=1.0)
        monkeypatch.setattr(time, "sleep", interrupted_sleep)
        run.log(loss=0.5)  # held back: the final update waits its turn
    monkeypatch.setattr(time, "sleep", sleep)
    final = last_run(shell)
    assert final["status"] == "finished"
    assert final["metrics"]["loss"] == [1.0, 0.5]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_interrupts_held_back_can_be_dropped(sigint_raises):
    from traincurves.live import interrupts_held

    with interrupts_held(reraise=False):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)  # let the handler run inside
    with pytest.raises(KeyboardInterrupt), interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)


def test_batch_logging_is_cheap(shell):
    np = pytest.importorskip("numpy")  # Keras logs numpy scalars
    run = tc.Run()
    with run.live(every=3600):
        start = time.perf_counter()
        for step in range(20000):
            run.log_batch(step=step, loss=np.float32(0.5))
        per_batch = (time.perf_counter() - start) / 20000
    assert len(run.batches["loss"]) == 20000
    assert per_batch < 1e-3  # generous bound; bench/ measures the real figure


@pytest.mark.parametrize(
    ("env", "primary"),
    [
        ({}, True),
        ({"RANK": "0", "LOCAL_RANK": "0"}, True),
        ({"RANK": "2"}, False),
        ({"LOCAL_RANK": "1"}, False),
        (
            {
                "TF_CONFIG": '{"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 0}}'
            },
            True,
        ),
        (
            {
                "TF_CONFIG": '{"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 1}}'
            },
            False,
        ),
        (
            {
                "TF_CONFIG": '{"cluster": {"chief": ["c"], "worker": ["a"]}, "task": {"type": "worker", "index": 0}}'
            },
            False,
        ),
        (
            {
                "TF_CONFIG": '{"cluster": {"chief": ["c"], "worker": ["a"]}, "task": {"type": "chief", "index": 0}}'
            },
            True,
        ),
    ],
)
def test_only_the_primary_process_shows_panels(monkeypatch, env, primary):
    from traincurves.live import is_primary_process

    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID", "TF_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert is_primary_process() is primary


def test_costly_updates_are_spaced_by_their_cost(shell):
    from traincurves.live import COST_FACTOR, LiveDisplay

    def slow_build(update):
        time.sleep(0.02)  # a big panel: 20 ms to build and send
        return {"text/plain": "panel"}

    display = LiveDisplay(slow_build, every=0.01)
    display.start(track=False)
    start = time.monotonic()
    while time.monotonic() - start < 1.5:
        display.changed()
        time.sleep(0.001)
    display.close()
    sent = len(updates(shell))
    # at most one update per 25 x 20 ms, plus the final one
    assert 2 <= sent <= 1.5 / (0.02 * COST_FACTOR) + 2
    assert shell.messages[-1]["data"]["text/plain"] == "panel"


def test_a_held_back_change_is_sent_when_its_time_comes(shell):
    """After a fast epoch the next may take minutes: the panel must not wait
    for it to show the fast one."""
    run = tc.Run("uneven")
    with run.live(every=0.3):
        run.log(0, loss=1.0)  # sent at once
        run.log(1, loss=0.5)  # within 0.3 s: held back
        held = len(updates(shell))
        time.sleep(0.8)  # a long epoch: nothing else changes
        shown = updates(shell)[-1]["data"][MIME_TYPE]["runs"][0]
        assert len(updates(shell)) == held + 1
        assert shown["epochs"] == [1, 2] and shown["status"] == "running"


# -- The live picture: frontends without the extension see the run live ------

SVG = "image/svg+xml"


@pytest.fixture
def settings():
    from traincurves import config

    config.reset()
    yield config
    config.reset()


def train_in_steps(epochs=6, every=0, **live):
    run = tc.Run("pictured")
    with run.live(total_epochs=epochs, every=every, **live):
        for epoch in range(epochs):
            run.log(loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1))
    return run


def test_updates_while_training_carry_the_picture_redrawn_when_due(shell, settings):
    # Never due again after the first drawing: the first is re-sent.
    settings.configure(live_static_every=3600)
    train_in_steps()
    first, *running, final = [m["data"] for m in shell.messages]
    assert SVG not in first  # no epoch yet: nothing to picture, the text shows
    assert all(SVG in data for data in running)
    # One drawing, sent again (the same string): the output never falls
    # back to the text between two drawings.
    assert len({id(data[SVG]) for data in running}) == 1
    assert "running · 1 epoch" in running[-1][SVG]  # as it was when drawn
    assert "finished · 6 epochs" in final[SVG]


def test_a_picture_due_at_every_update_is_redrawn_for_each(shell, settings):
    settings.configure(live_static_every=0)
    train_in_steps()
    running = [m["data"] for m in shell.messages[1:-1]]
    # (How many were sent depends on their cost: see COST_FACTOR.)
    assert running
    for data in running:
        epochs = len(data[MIME_TYPE]["runs"][0]["epochs"])
        assert f"running · {epochs} epoch" in data[SVG]


def test_live_pictures_can_be_switched_off(shell, settings):
    settings.configure(live_static=False)
    train_in_steps()
    *running, final = [m["data"] for m in shell.messages]
    assert not any(SVG in data for data in running)
    assert SVG in final  # the finished picture, for a saved notebook
    shell.messages.clear()
    settings.reset()
    train_in_steps(static=False)  # no picture at all for this panel
    assert not any(SVG in m["data"] for m in shell.messages)


def test_live_text_is_a_progress_line_and_the_last_the_summary(shell, settings):
    run = tc.Run("short", params={"lr": 0.1})
    with run.live(total_epochs=100, every=0):
        for epoch in range(3):
            run.log(loss=1 / (epoch + 1), accuracy=epoch / 10)
        text = shell.messages[-1]["data"]["text/plain"]
    # The last update sent: one line, whichever epoch it shows.
    assert re.fullmatch(
        r"short: epoch \d/100 · loss [\d.]+ · accuracy [\d.]+ · ETA \d+[hms]( \d\d[ms])?",
        text,
    ), text
    summary = shell.messages[-1]["data"]["text/plain"].splitlines()
    assert summary[0] == "traincurves run 'short': finished, 3 epochs"
    assert len(summary) == 4  # the table: a header and a line per metric


def test_picture_settings_are_checked(settings):
    with pytest.raises(TypeError, match="live_static must be True or False, got str"):
        tc.configure(live_static="yes")
    for bad in (-1, "1", float("nan"), True):
        with pytest.raises(ValueError, match="live_static_every must be a number"):
            tc.configure(live_static_every=bad)
    assert tc.configure(live_static_every=2).live_static_every == 2
