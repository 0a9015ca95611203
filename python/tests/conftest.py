import os
import sys
import threading
from pathlib import Path

import pytest
import schema_check
from IPython.core.displaypub import DisplayPublisher

os.environ.setdefault("KERAS_BACKEND", "torch")

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures"

# Python source that builds the small digits model (scikit-learn's bundled
# data, no download), for the processes tests start: kernels, scripts,
# executed notebooks. It defines x, y and digits_model().
KERAS_DIGITS = """
import keras
import traincurves as tc
from sklearn.datasets import load_digits

x, y = load_digits(return_X_y=True)
x = (x / 16.0).astype("float32")


def digits_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model
"""
sys.path.insert(0, str(FIXTURES))


def history_fixtures():
    return sorted((FIXTURES / "histories").glob("*.json"))


class RecordingPublisher(DisplayPublisher):
    """Stands in for the kernel's display publisher and keeps every message,
    so tests see exactly what a notebook would receive."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def publish(
        self, data, metadata=None, source=None, *, transient=None, update=False, **kw
    ):
        self.messages.append(
            {
                "data": data,
                "metadata": metadata,
                "transient": transient or {},
                "update": update,
            }
        )

    def clear_output(self, wait=False):
        self.messages.append({"clear": True})


def _settle_live_timers():
    """Let no live display's timer of one test publish into the next one's
    recording: the recorder is the shell's, whichever test's display sends."""
    from traincurves.live import LiveDisplay

    for thread in threading.enumerate():
        function = getattr(thread, "function", None)
        if getattr(function, "__self__", None).__class__ is LiveDisplay:
            thread.cancel()
            thread.join()


@pytest.fixture
def shell():
    """A real IPython shell whose displays are recorded."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    original = ip.display_pub
    recorder = RecordingPublisher()
    _settle_live_timers()
    ip.display_pub = recorder
    try:
        yield recorder
    finally:
        _settle_live_timers()
        ip.display_pub = original


@pytest.fixture(autouse=True)
def fresh_registry():
    """Each test starts with no runs kept in the kernel registry."""
    from traincurves import registry

    registry.clear()
    yield
    registry.clear()


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's bundled digits, scaled to [0, 1]: no download."""
    datasets = pytest.importorskip("sklearn.datasets")

    x, y = datasets.load_digits(return_X_y=True)
    return (x / 16.0).astype("float32"), y


def digits_model(lr=1e-2, optimizer="adam"):
    """A small seeded Keras classifier for the digits (torch backend); the
    test calling it is skipped without Keras."""
    keras = pytest.importorskip("keras")

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(16, activation="relu", name="hidden"),
            keras.layers.Dense(10, name="logits"),
        ]
    )
    opt = keras.optimizers.SGD(lr) if optimizer == "sgd" else keras.optimizers.Adam(lr)
    model.compile(
        optimizer=opt,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


# -- Every payload a test builds must match schema/payload.v1.json -----------
# (schema_check.py). Wrapped before the test modules import the builder.
schema_check.record_builder()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    schema_check.recorder.clear()
    result = yield
    found = schema_check.recorder.problems()
    if found:
        pytest.fail(
            "a payload built by this test breaks schema/payload.v1.json:\n"
            + "\n".join(found),
            pytrace=False,
        )
    return result
