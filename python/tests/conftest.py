import json
import math
import os
from pathlib import Path

import pytest
from IPython.core.displaypub import DisplayPublisher

os.environ.setdefault("KERAS_BACKEND", "torch")

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures"
_SPECIAL = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def decode_history(history):
    """Fixture histories spell NaN/inf as strings: JSON has no literal for them."""
    return {
        name: [_SPECIAL.get(v, v) if isinstance(v, str) else v for v in values]
        for name, values in history.items()
    }


def history_fixtures():
    return sorted((FIXTURES / "histories").glob("*.json"))


@pytest.fixture
def load_fixture():
    def load(stem):
        return json.loads((FIXTURES / "histories" / f"{stem}.json").read_text())

    return load


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


@pytest.fixture
def shell():
    """A real IPython shell whose displays are recorded."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    original = ip.display_pub
    recorder = RecordingPublisher()
    ip.display_pub = recorder
    try:
        yield recorder
    finally:
        ip.display_pub = original
