"""Showing runs in the notebook."""

from __future__ import annotations

from typing import Any

from .ingest import as_runs


def show(
    obj: Any,
    name: str | None = None,
    keep: bool = False,
    *,
    static: bool | None = None,
    focus: str | None = None,
) -> None:
    """Display a training panel for ``obj`` in the cell's output.

    ``obj`` is a :class:`traincurves.Run`, a Keras ``History``, a mapping of
    metric name to a sequence of numbers, or the path of a log of any kind
    ``tc.load_all`` reads (every run it holds is shown on the panel). The
    run is kept by name for ``tc.compare``; ``keep=True`` keeps an earlier run of the same name as
    ``name (2)``. ``static=False`` leaves out the static picture of the panel
    (default: ``tc.configure(static=...)``). ``focus`` names the metric that
    matters most (default: the first accuracy-like one): with the loss, its
    chart and values lead the panel. Outside a notebook frontend (a
    script, IPython in a terminal) it prints the text summary. Returns
    ``None``, so a ``tc.show(...)`` on a cell's last line renders once.
    """
    from .terminal import frontend

    runs = as_runs(obj, name)
    if focus is not None and not any(focus in run for run in runs):
        logged = sorted({m for run in runs for m in run})
        raise ValueError(
            f"focus={focus!r}: no run logged that metric; logged: {', '.join(logged)}"
        )
    for run in runs:
        run.register(keep)
    if not frontend():
        # A script would print the bundle itself: its text is what a
        # terminal can show.
        from .summary import summary

        print(summary(runs), flush=True)
        return
    from IPython.display import display

    from .metrics import direction
    from .payload import bundle

    chosen = (
        None if focus is None else {"metric": focus, "mode": direction(focus) or "max"}
    )
    display(bundle(runs, static=static, focus=chosen), raw=True)


def distributions(
    model: Any,
    sample: Any,
    layers: Any = True,
    *,
    weights: bool = False,
    name: str | None = None,
) -> None:
    """Show how the chosen layers' activations on ``sample`` are spread now.

    ``model`` is a Keras model or a ``torch.nn.Module``; ``layers`` are names
    or indices (default: all). ``weights=True`` adds each layer's weights.
    For how they move over training, pass ``distributions=`` and ``sample=``
    to ``LivePlot``.
    """
    from .integrations.probe import probe_for, record
    from .run import Run

    probe = probe_for(model, layers)
    model_name = getattr(model, "name", None) or type(model).__name__
    run = Run(name or f"{model_name} layers")
    record(run, probe, sample, 0, weights)
    run.finish()
    show(run, keep=True)
