"""traincurves: interactive training curves in Jupyter."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .compare import compare, runs
from .config import configure
from .diagnose import Finding, diagnose
from .display import distributions, show
from .files import load, load_all
from .payload import MIME_TYPE
from .run import Run
from .watch import watch

try:
    __version__ = version("traincurves")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "MIME_TYPE",
    "Finding",
    "JSONLogger",
    "LivePlot",
    "Run",
    "__version__",
    "compare",
    "configure",
    "diagnose",
    "distributions",
    "load",
    "load_all",
    "runs",
    "show",
    "watch",
]

_INTEGRATIONS = {"keras", "lightning", "transformers", "optuna"}


def __getattr__(name: str):
    # Frameworks are imported on first use: `import traincurves` stays light.
    if name in ("LivePlot", "JSONLogger"):
        from .integrations import keras

        return getattr(keras, name)
    if name in _INTEGRATIONS:
        import importlib

        return importlib.import_module(f".integrations.{name}", __name__)
    raise AttributeError(f"module 'traincurves' has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-traincurves"}]
