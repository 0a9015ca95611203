"""``tc.transformers.LivePlot``: a Hugging Face ``TrainerCallback`` that shows
a live training panel.

The Trainer logs the training loss every ``logging_steps`` and evaluates on
its own schedule. Logged training values become the batch-level curves; at
each epoch's end their mean is the epoch's training value (as Keras reports
it), and evaluation results (``eval_*``) join the epoch they ran in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..live import DEFAULT_EVERY
from ..run import Run
from ._guard import import_or_explain, never_raise

hf = import_or_explain(
    "transformers", "transformers", "traincurves.transformers.LivePlot"
)

# Bookkeeping the Trainer logs next to metrics: not curves worth drawing.
_SKIP = ("epoch", "step", "total_flos")
_SKIP_SUFFIXES = ("_runtime", "_per_second")


def _curves(logs: Mapping[str, Any]) -> dict[str, float]:
    return {
        key: value
        for key, value in logs.items()
        if key not in _SKIP
        and not key.endswith(_SKIP_SUFFIXES)
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    }


class LivePlot(hf.TrainerCallback):
    """Show a live training panel for ``transformers.Trainer``.

    Args:
        name: the run's name (default: ``TrainingArguments.run_name`` or "run").
        every: minimum seconds between panel updates.
        params: hyperparameters to show; learning rate, batch size and
            epochs from the TrainingArguments are added.
        static: add a static picture of the panel to its updates
            (default: ``tc.configure(static=...)``).
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        every: float = DEFAULT_EVERY,
        params: Mapping[str, Any] | None = None,
        keep: bool = False,
        static: bool | None = None,
    ) -> None:
        self.name = name
        self.every = every
        self.hyperparams = dict(params or {})
        self.keep = keep
        self.static = static
        self.run: Run | None = None
        self._epoch_losses: dict[str, list[float]] = {}

    def _epoch_index(self, state: Any) -> int:
        """The 0-based epoch a log at ``state.epoch`` (fractional) belongs to."""
        return max(0, math.ceil(round(state.epoch or 0, 6)) - 1)

    @never_raise
    def on_train_begin(
        self, args: Any, state: Any, control: Any, **kwargs: Any
    ) -> None:
        params = {
            "learning_rate": args.learning_rate,
            "batch_size": args.per_device_train_batch_size,
            **self.hyperparams,
        }
        epochs = math.ceil(state.num_train_epochs or args.num_train_epochs or 0) or None
        name = self.name or getattr(args, "run_name", None) or "run"
        self.run = Run(name, params, total_epochs=epochs)
        if state.max_steps and epochs:
            self.run.steps_per_epoch = math.ceil(state.max_steps / epochs)
        self._begin(self.run, state)

    def _begin(self, run: Run, state: Any) -> None:
        if state.is_world_process_zero:
            run.start_live(self.every, keep=self.keep, static=self.static)

    @never_raise
    def on_log(
        self,
        args: Any,
        state: Any,
        control: Any,
        logs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.run is None or not logs:
            return
        values = _curves(logs)
        if "train_runtime" in logs:  # the summary at the end of train()
            return
        epoch = self._epoch_index(state)
        evaluated = {k: v for k, v in values.items() if k.startswith("eval_")}
        if evaluated:
            self.run.log(epoch, **evaluated)
            return
        if values:
            steps = self.run.steps_per_epoch
            step = (state.global_step - 1) - epoch * steps if steps else None
            self.run.log_batch(step=step, epoch=epoch, **values)
            for key, value in values.items():
                self._epoch_losses.setdefault(key, []).append(float(value))

    @never_raise
    def on_epoch_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.run is None:
            return
        means = {
            key: sum(values) / len(values)
            for key, values in self._epoch_losses.items()
            if key == "loss" and values
        }
        self._epoch_losses.clear()
        self.run.log(self._epoch_index(state), **means)

    @never_raise
    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        run = self.run
        if run is None:
            return
        early = state.max_steps and state.global_step < state.max_steps
        if early:
            run.add_event("early_stop", run.epochs[-1] if run.epochs else 0)
        run.finish("stopped_early" if early else "finished")
        run.stop_live()


class JSONLogger(LivePlot):
    """Write a Hugging Face Trainer run as JSON Lines (see
    ``traincurves.jsonl``) instead of showing it; ``tc.watch`` or
    ``tc.load`` show it in a notebook. Only global rank 0 writes unless
    ``per_rank=True``."""

    def __init__(
        self,
        path: Any,
        name: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        per_rank: bool = False,
    ) -> None:
        super().__init__(name, params=params)
        self.path = path
        self.per_rank = per_rank

    def _begin(self, run: Run, state: Any) -> None:
        run.log_to(self.path, per_rank=self.per_rank)
