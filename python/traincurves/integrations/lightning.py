"""``tc.lightning.LivePlot``: a PyTorch Lightning callback that shows a live
training panel from ``trainer.callback_metrics``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..live import DEFAULT_EVERY
from ..metrics import split
from ..run import Run
from ._guard import import_or_explain, never_raise
from .probe import Recorder

pl = import_or_explain(
    "lightning.pytorch", "lightning", "traincurves.lightning.LivePlot"
)


def _epoch_metrics(metrics: Mapping[str, Any], validation: bool) -> dict[str, Any]:
    """Epoch-level values of one split; ``x_epoch`` is ``x``, ``x_step`` is skipped."""
    chosen = {}
    for key, value in metrics.items():
        if key.endswith("_step") or (split(key) == "validation") != validation:
            continue
        chosen[key.removesuffix("_epoch")] = value
    return chosen


class LivePlot(pl.Callback):
    """Show a live training panel for ``Trainer.fit``.

    Args:
        name: the run's name (default: the LightningModule's class name).
        batches: also draw the batch-level training loss (from
            ``training_step``'s returned loss).
        every: minimum seconds between panel updates.
        params: hyperparameters to show; the module's ``hparams`` are added.
        static: add a static picture of the panel to its updates
            (default: ``tc.configure(static=...)``).
        distributions: submodules (names as in ``named_modules()``, or
            indices, or ``True`` for all) whose outputs on ``sample`` are
            summarised every epoch for the panel's Distributions section.
        sample: a small fixed input batch for ``distributions``.
        weights: also summarise those submodules' parameters.
        gradients: also the distribution, over each epoch's optimizer steps,
            of those submodules' gradient norms (exploding gradients show
            as a 95 % quantile that grows).
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        batches: bool = False,
        every: float = DEFAULT_EVERY,
        params: Mapping[str, Any] | None = None,
        keep: bool = False,
        static: bool | None = None,
        distributions: Any = None,
        sample: Any = None,
        weights: bool = False,
        gradients: bool = False,
    ) -> None:
        super().__init__()
        self._layers = Recorder(distributions, sample, weights, gradients)
        self.name = name
        self.batches = batches
        self.every = every
        self.hyperparams = dict(params or {})
        self.keep = keep
        self.static = static
        self.run: Run | None = None

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        self._layers.attach(pl_module)  # outside the guard: a wrong name stops fit
        self._train_start(trainer, pl_module)

    @never_raise
    def _train_start(self, trainer: Any, pl_module: Any) -> None:
        params = {**dict(getattr(pl_module, "hparams", {}) or {}), **self.hyperparams}
        max_epochs = trainer.max_epochs if (trainer.max_epochs or -1) > 0 else None
        self.run = Run(
            self.name or type(pl_module).__name__, params, total_epochs=max_epochs
        )
        steps = trainer.num_training_batches
        if isinstance(steps, int) and steps > 0:
            self.run.steps_per_epoch = steps
        if trainer.is_global_zero:  # other ranks record, but show nothing
            self.run.start_live(self.every, keep=self.keep, static=self.static)

    @never_raise
    def on_train_batch_end(
        self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        if not self.batches or self.run is None:
            return
        loss = outputs.get("loss") if isinstance(outputs, Mapping) else outputs
        if loss is not None:
            self.run.log_batch(step=batch_idx, epoch=trainer.current_epoch, loss=loss)

    @never_raise
    def on_validation_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if self.run is None or trainer.sanity_checking:
            return
        values = _epoch_metrics(trainer.callback_metrics, validation=True)
        if values:
            self.run.log(trainer.current_epoch, **values)

    @never_raise
    def on_before_optimizer_step(
        self, trainer: Any, pl_module: Any, optimizer: Any
    ) -> None:
        self._layers.after_backward()

    @never_raise
    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if self.run is None:
            return
        values = _epoch_metrics(trainer.callback_metrics, validation=False)
        with self.run.one_change():
            self._layers.record(self.run, trainer.current_epoch)
            self.run.log(trainer.current_epoch, **values)

    @never_raise
    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        run = self.run
        if run is None:
            return
        stopper = getattr(trainer, "early_stopping_callback", None)
        stopped = getattr(stopper, "stopped_epoch", 0) or 0
        if stopped > 0:
            run.add_event("early_stop", int(stopped), monitor=str(stopper.monitor))
            run.finish("stopped_early")
        else:
            run.finish("finished")
        run.stop_live()

    @never_raise
    def on_exception(
        self, trainer: Any, pl_module: Any, exception: BaseException
    ) -> None:
        run = self.run
        if run is None or run.status != "running":
            return
        run.end_with(exception)
        run.stop_live()


class JSONLogger(pl.loggers.Logger):
    """A Lightning logger writing the run as JSON Lines (see
    ``traincurves.jsonl``) for ``tc.watch`` / ``tc.load`` in a notebook.

    Metrics logged with ``on_step`` (``*_step``) become batch points; the
    others belong to the epoch Lightning reports with them. Only global rank
    0 writes unless ``per_rank=True``.
    """

    def __init__(
        self, path: Any, name: str | None = None, per_rank: bool = False
    ) -> None:
        super().__init__()
        self.path = path
        self._name = name
        self.per_rank = per_rank
        self.run: Run | None = None
        self._params: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return self._name or "run"

    @property
    def version(self) -> int:
        return 0

    def _ensure_run(self) -> Run:
        if self.run is None:
            self.run = Run(self.name, self._params)
            self.run.log_to(self.path, per_rank=self.per_rank)
        return self.run

    @never_raise
    def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
        values = vars(params) if hasattr(params, "__dict__") else dict(params or {})
        self._params.update(values)
        if self.run is not None:
            self.run.add_event(
                "params", None, params={k: str(v) for k, v in values.items()}
            )

    @never_raise
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        run = self._ensure_run()
        epoch = metrics.get("epoch")
        epoch = int(epoch) if epoch is not None else None
        steps = {
            k.removesuffix("_step"): v
            for k, v in metrics.items()
            if k.endswith("_step")
        }
        epochs = {
            k.removesuffix("_epoch"): v
            for k, v in metrics.items()
            if k != "epoch" and not k.endswith("_step")
        }
        if steps:
            run.log_batch(step=step, epoch=epoch, **steps)
        if epochs:
            run.log_values(epochs, epoch)

    @never_raise
    def finalize(self, status: str) -> None:
        run = self._ensure_run()
        if run.status == "running":
            run.finish("failed" if status == "failed" else "finished")
