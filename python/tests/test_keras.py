"""A real Keras fit (torch backend) on scikit-learn's bundled digits."""

import pytest
from conftest import digits_model

import traincurves as tc
from traincurves.payload import MIME_TYPE

keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")


def test_history_of_a_real_fit_with_validation_every_second_epoch(digits, shell):
    x, y = digits
    history = digits_model().fit(
        x[:1200],
        y[:1200],
        validation_data=(x[1200:], y[1200:]),
        epochs=4,
        validation_freq=2,
        batch_size=64,
        verbose=0,
    )
    assert len(history.history["val_loss"]) == 2  # Keras' own uneven lists

    run = tc.Run.from_history(history, name="digits")
    assert run.epochs == [0, 1, 2, 3]
    assert set(run) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert run["val_loss"][0] is None and run["val_loss"][2] is None
    assert run["val_loss"][1] == pytest.approx(history.history["val_loss"][0])
    assert run["val_loss"][3] == pytest.approx(history.history["val_loss"][1])
    assert all(isinstance(v, float) for v in run["loss"])

    tc.show(history, name="digits")
    payload = shell.messages[-1]["data"][MIME_TYPE]
    shown = payload["runs"][0]
    assert shown["epochs"] == [1, 2, 3, 4]
    assert shown["best"]["val_accuracy"]["mode"] == "max"
    assert shown["best"]["val_accuracy"]["epoch"] in (2, 4)
    # float32 metrics survive the compact encoding bit for bit
    assert np.float32(shown["metrics"]["loss"][-1]) == np.float32(
        history.history["loss"][-1]
    )
