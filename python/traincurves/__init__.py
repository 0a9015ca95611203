"""traincurves: interactive training curves in Jupyter."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .display import show
from .payload import MIME_TYPE
from .run import Run

try:
    __version__ = version("traincurves")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

__all__ = ["MIME_TYPE", "Run", "__version__", "show"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-traincurves"}]
