"""``tc.LivePlot``: a Keras 3 callback (any backend; ``tf.keras`` on TF >= 2.16)
that shows a training panel and refreshes it every epoch."""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..live import DEFAULT_EVERY
from ..run import Run
from ._guard import import_or_explain, never_raise
from .probe import Recorder

keras = import_or_explain("keras", "keras", "traincurves.LivePlot")


def _find_callback_list(me: Any) -> list[Any]:
    """The other callbacks of this fit.

    Keras hands a callback no reference to its siblings, but calls it from
    ``CallbackList``, whose ``callbacks`` include us: EarlyStopping's
    ``stopped_epoch`` and ``best_epoch`` are read from there.
    """
    frame = inspect.currentframe()
    try:
        for _ in range(8):
            frame = frame.f_back if frame else None
            if frame is None:
                break
            owner = frame.f_locals.get("self")
            siblings = getattr(owner, "callbacks", None)
            if isinstance(siblings, list) and any(c is me for c in siblings):
                return siblings
    finally:
        del frame
    return []


def _is_early_stopping(callback: Any) -> bool:
    return isinstance(callback, keras.callbacks.EarlyStopping) or (
        hasattr(callback, "stopped_epoch") and hasattr(callback, "patience")
    )


class LivePlot(keras.callbacks.Callback):
    """Show a live training panel for ``model.fit``.

    Args:
        name: the run's name in the panel (default ``"run"``).
        metrics: only these metrics (and their ``val_`` twins); default all.
        batches: also draw the batch-level training curve.
        every: minimum seconds between panel updates (default 0.25).
        params: hyperparameters to show with the run.
        stop_on_nan: stop training when a metric becomes NaN or infinite.
        keep: keep an earlier run of the same name in ``tc.runs()`` (as
            ``name (2)``) instead of replacing it.
        static: add a static picture of the panel to its updates, for
            GitHub, nbviewer, VS Code and exports (default:
            ``tc.configure(static=...)``).
        distributions: layers (names or indices, or ``True`` for all) whose
            activations on ``sample`` are summarised every epoch and drawn
            in the panel's Distributions section.
        sample: a small fixed input batch for ``distributions`` (e.g.
            ``x_val[:256]``).
        weights: also summarise those layers' weights and biases.
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        metrics: Iterable[str] | None = None,
        batches: bool = False,
        every: float = DEFAULT_EVERY,
        params: Mapping[str, Any] | None = None,
        stop_on_nan: bool = False,
        keep: bool = False,
        static: bool | None = None,
        distributions: Iterable[str | int] | bool | None = None,
        sample: Any = None,
        weights: bool = False,
    ) -> None:
        super().__init__()
        self._layers = Recorder(distributions, sample, weights)
        self.name = name
        self.metrics = None if metrics is None else set(metrics)
        self.batches = batches
        self.every = every
        self.hyperparams = dict(params or {})
        self.keep = keep
        self.static = static
        self.stop_on_nan = stop_on_nan
        self.run: Run | None = None
        self._early_stopping: list[Any] = []
        # Our batch hook only records values; it may run off the main thread.
        self.async_safe = True

    def _wanted(self, metric: str) -> bool:
        if self.metrics is None:
            return True
        base = metric[4:] if metric.startswith("val_") else metric
        return metric in self.metrics or base in self.metrics

    def _values(self, logs: Mapping[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in (logs or {}).items() if self._wanted(k)}

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._layers.attach(self.model)  # outside the guard: a wrong name stops fit
        self._train_begin()

    @never_raise
    def _train_begin(self) -> None:
        params = self.params or {}
        self.run = Run(self.name, self.hyperparams, total_epochs=params.get("epochs"))
        self.run.steps_per_epoch = params.get("steps") or None
        self._early_stopping = [
            c for c in _find_callback_list(self) if _is_early_stopping(c)
        ]
        self._begin(self.run)

    def _begin(self, run: Run) -> None:
        run.start_live(self.every, keep=self.keep, static=self.static)

    @never_raise
    def on_train_batch_end(
        self, batch: int, logs: Mapping[str, Any] | None = None
    ) -> None:
        if self.batches and self.run is not None:
            values = self._values(logs)
            if values:
                self.run.log_batch(step=batch, **values)

    @never_raise
    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if self.run is None:
            return
        values = self._values(logs)
        with self.run.one_change():
            self._layers.record(self.run, epoch)
            self.run.log(epoch, **values)
        if self.stop_on_nan:
            bad = [
                k
                for k, v in values.items()
                if (f := self.run[k][-1]) is not None and not math.isfinite(f)
            ]
            if bad and not self.model.stop_training:
                self.model.stop_training = True
                self.run.add_event("nan_stop", epoch, metric=bad[0])

    @never_raise
    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        run = self.run
        if run is None:
            return
        status = "finished"
        fired = [c for c in self._early_stopping if getattr(c, "stopped_epoch", 0) > 0]
        if fired:
            stopper = fired[0]
            run.add_event(
                "early_stop",
                int(stopper.stopped_epoch),
                best_epoch=int(getattr(stopper, "best_epoch", 0) or 0),
                monitor=str(getattr(stopper, "monitor", "")),
            )
            status = "stopped_early"
        elif getattr(self.model, "stop_training", False):
            if not any(e["kind"] == "nan_stop" for e in run.events):
                run.add_event("stopped", run.epochs[-1] if run.epochs else None)
            status = "stopped_early"
        run.finish(status)
        run.stop_live()


class JSONLogger(LivePlot):
    """Write a Keras run as JSON Lines (see ``traincurves.jsonl``) instead of
    showing it: for training that runs where no notebook is attached.
    ``tc.watch(path)`` or ``tc.load(path)`` in a notebook show it.

    Only global rank 0 writes, unless ``per_rank=True`` gives each rank its
    own ``{stem}.rank{N}.jsonl``. ``distributions``, ``sample`` and
    ``weights`` are those of :class:`LivePlot`; the layers' summaries are
    written as records too.
    """

    def __init__(
        self,
        path: Any,
        name: str | None = None,
        *,
        metrics: Iterable[str] | None = None,
        batches: bool = False,
        params: Mapping[str, Any] | None = None,
        per_rank: bool = False,
        distributions: Iterable[str | int] | bool | None = None,
        sample: Any = None,
        weights: bool = False,
    ) -> None:
        super().__init__(
            name,
            metrics=metrics,
            batches=batches,
            params=params,
            distributions=distributions,
            sample=sample,
            weights=weights,
        )
        self.path = path
        self.per_rank = per_rank

    def _begin(self, run: Run) -> None:
        run.log_to(self.path, per_rank=self.per_rank)
