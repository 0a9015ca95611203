"""Showing runs in the notebook."""

from __future__ import annotations

from typing import Any

from .ingest import as_run


def show(
    obj: Any,
    name: str | None = None,
    keep: bool = False,
    *,
    static: bool | None = None,
) -> None:
    """Display a training panel for ``obj`` in the cell's output.

    ``obj`` is a :class:`traincurves.Run`, a Keras ``History`` or a mapping of
    metric name to a sequence of numbers. The run is kept by name for
    ``tc.compare``; ``keep=True`` keeps an earlier run of the same name as
    ``name (2)``. ``static=False`` leaves out the static picture of the panel
    (default: ``tc.configure(static=...)``). Returns ``None``, so a
    ``tc.show(...)`` on a cell's last line renders once.
    """
    from IPython.display import display

    from .payload import bundle

    run = as_run(obj, name)
    run.register(keep)
    display(bundle([run], static=static), raw=True)
