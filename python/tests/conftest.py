import os
import sys
from pathlib import Path

import pytest
from IPython.core.displaypub import DisplayPublisher

os.environ.setdefault("KERAS_BACKEND", "torch")

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures"
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


@pytest.fixture(autouse=True)
def fresh_registry():
    """Each test starts with no runs kept in the kernel registry."""
    from traincurves import registry

    registry.clear()
    yield
    registry.clear()
