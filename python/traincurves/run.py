"""The Run: one training run's history, status, params and events.

Epochs are counted from 0 when logging, as ``range(epochs)``, Keras'
``History.epoch`` and ``CSVLogger`` do; they are shown from 1, as Keras
prints ``Epoch 1/20``.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from .downsample import BucketReducer
from .stats import MetricStats
from .values import compact, describe, to_float

STATUSES = ("running", "finished", "stopped_early", "interrupted", "failed")
DIAGNOSE_EVERY = 2.0  # seconds between diagnoses of a running run


def _param_value(key: str, value: Any) -> str | int | float | bool | None:
    """Params are shown, never interpreted: JSON scalars stay, the rest is text."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    try:
        number = to_float(value, f"param {key}", "value")
    except TypeError:
        return str(value)
    return number if number is not None and math.isfinite(number) else str(value)


class Run:
    """A training run: per-epoch metrics, status, params and events.

    >>> run = Run("baseline", params={"lr": 1e-3})
    >>> run.log(epoch=0, loss=0.9, val_loss=1.0)
    >>> run.finish()
    """

    def __init__(
        self,
        name: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        total_epochs: int | None = None,
    ) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"run name must be a string, got {describe(name)}")
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(f"params must be a mapping, got {describe(params)}")
        self.name: str = name or "run"
        self.id: str = uuid.uuid4().hex[:12]
        self.params: dict[str, Any] = {
            str(k): _param_value(str(k), v) for k, v in (params or {}).items()
        }
        self.status: str = "running"
        self.total_epochs: int | None = total_epochs
        self.events: list[dict[str, Any]] = []
        # None when the run was read after the fact and has no timing.
        self.started: float | None = time.time()
        self.ended: float | None = None
        self._epochs: list[int] = []
        self._times: list[float | None] = []
        self._compact_times: list[float | None] = []  # as in the payload
        self._values: dict[str, list[float | None]] = {}
        # The payload form of each value, computed once when logged so that
        # re-sending a long history does not re-encode it every update.
        self._compact: dict[str, list[float | None]] = {}
        # Batch-level values, columnar: the epoch they were trained in (0-based)
        # and the step within it.
        self.steps_per_epoch: int | None = None
        self._batch_epoch: list[int] = []
        self._batch_step: list[int] = []
        self._batch_values: dict[str, list[float | None]] = {}
        self._batch_lock = threading.Lock()
        # Steps seen per epoch, for the x position of a batch when
        # steps_per_epoch is unknown; and the display reduction, kept
        # between live updates.
        self._batch_steps_seen: dict[int, int] = {}
        self._batch_reducer = BucketReducer()
        # Epoch rows of live updates of very long panels (see payload).
        self._epoch_reducer = BucketReducer()
        # The payload form of the batch rows shown at the last update:
        # (reducer generation, rows, their JSON size).
        self._batch_rows: tuple[int, list[tuple], int] | None = None
        self._current_epoch = 0
        self._live: Any = None
        # Held while the epoch data changes and while a payload is built from
        # it: a live panel's held-back update is sent from a timer thread.
        # Never held while a display is updated (see _changed's callers).
        self._lock = threading.RLock()
        self._deferring = 0  # inside _one_change
        self._deferred = False
        self._registered = False
        self._writers: list[Any] = []
        # Bumped when epoch values change: the diagnosis is cached against it.
        self._epoch_version = 0
        self._stats = MetricStats()  # best values, non-finite epochs
        self._stats_version = -1
        self._diagnosis: tuple[int, list[Any], float] | None = None
        # Per-rank spread of a run combined from several ranks: metric ->
        # (low, high) aligned with epochs.
        self.bands: dict[str, tuple[list[float | None], list[float | None]]] = {}
        # Layer activation / weight distributions by name (see distributions).
        self.distributions: dict[str, Any] = {}

    # -- logging -------------------------------------------------------

    def log(
        self, epoch: int | None = None, *, time: float | None = None, **values: Any
    ) -> None:
        """Record metric values for one epoch (0-based; default: the next one).

        Logging an epoch again merges into it, so train and validation
        values may arrive in separate calls. Metrics named like the
        arguments (``epoch``, ``time``) go through :meth:`log_values`.
        """
        self.log_values(values, epoch, time=time)

    def log_values(
        self,
        values: Mapping[str, Any],
        epoch: int | None = None,
        *,
        time: float | None = None,
    ) -> None:
        """:meth:`log` with the values as a mapping: any metric name works."""
        if epoch is None:
            epoch = self._epochs[-1] + 1 if self._epochs else 0
        elif isinstance(epoch, bool) or not isinstance(epoch, int):
            try:
                epoch = int(epoch.__index__())
            except (AttributeError, TypeError):
                raise TypeError(
                    f"epoch must be an integer, got {describe(epoch)}"
                ) from None
        if epoch < 0:
            raise ValueError(f"epoch must be >= 0, got {epoch}")
        parsed = {}
        for name, value in values.items():
            parsed[name] = to_float(value, name, f"at epoch {epoch}")
        with self._lock:  # a live panel may be read from its timer thread
            row = self._row(epoch)
            self._stats.changed(row)
            self._epoch_reducer.invalidate(row)
            for name, value in parsed.items():
                if name not in self._values:
                    self._values[name] = [None] * len(self._epochs)
                    self._compact[name] = [None] * len(self._epochs)
                self._values[name][row] = value
                self._compact[name][row] = compact(value)
            if time is None and self.started is not None:
                time = _now() - self.started
            self._times[row] = time
            self._compact_times[row] = None if time is None else round(time, 3)
            for writer in self._writers:
                writer.epoch(epoch, time, parsed)
            self._current_epoch = max(self._current_epoch, epoch + 1)
            self._epoch_version += 1
        self._changed()

    def log_batch(
        self, step: int | None = None, *, epoch: int | None = None, **values: Any
    ) -> None:
        """Record batch-level values (the fine-grained training curve).

        ``epoch`` defaults to the one being trained: the one after the last
        epoch logged with :meth:`log`. ``step`` counts batches within it.
        """
        if epoch is None:
            epoch = self._current_epoch
        if step is None:
            same = self._batch_epoch and self._batch_epoch[-1] == epoch
            step = self._batch_step[-1] + 1 if same else 0
        parsed = {
            name: to_float(value, name, f"at epoch {epoch} step {step}")
            for name, value in values.items()
        }
        # Keras runs async-safe batch hooks on a thread pool: calls can race
        # and arrive out of order, so they are serialised and kept sorted.
        with self._batch_lock:
            count = len(self._batch_epoch)
            row = count
            if count and (epoch, step) < (self._batch_epoch[-1], self._batch_step[-1]):
                keys = list(zip(self._batch_epoch, self._batch_step))
                row = bisect.bisect_right(keys, (epoch, step))
                self._batch_reducer.invalidate(row)
            if step + 1 > self._batch_steps_seen.get(epoch, 0):
                self._batch_steps_seen[epoch] = step + 1
            self._batch_epoch.insert(row, epoch)
            self._batch_step.insert(row, step)
            for name, value in parsed.items():
                column = self._batch_values.get(name)
                if column is None:
                    column = self._batch_values[name] = [None] * count
                column.insert(row, value)
            for column in self._batch_values.values():
                if len(column) == count:
                    column.insert(row, None)
            # Under the lock too: two worker threads must not interleave
            # their lines in the file.
            for writer in self._writers:
                writer.batch(epoch, step, parsed)
        self._changed()

    def log_distribution(
        self,
        name: str,
        values: Any,
        epoch: int | None = None,
        *,
        kind: str = "activations",
    ) -> None:
        """Record how a tensor's values are spread at an epoch: a layer's
        activations on a fixed sample, or a weight (``kind="weights"``).
        Only a summary is kept — histogram, quantiles, shares of zeros and
        non-finite values — never the tensor.

        ``epoch`` defaults to the one being trained, as for
        :meth:`log_batch`: the one after the last epoch logged with
        :meth:`log`. Log it before that epoch's ``log``, or pass ``epoch``.
        """
        from .layers import KINDS, summarise

        if not isinstance(name, str) or not name:
            raise TypeError(f"distribution name must be a string, got {describe(name)}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if epoch is None:
            epoch = self._current_epoch
        self._add_summary(name, kind, epoch, summarise(values))

    def _add_summary(self, name: str, kind: str, epoch: int, summary: Any) -> None:
        from .layers import Distribution

        with self._lock:
            found = self.distributions.get(name)
            if found is None:
                found = self.distributions[name] = Distribution(name, kind)
            found.add(epoch, summary)
            for writer in self._writers:
                writer.distribution(name, kind, epoch, summary)
        self._changed()

    @contextlib.contextmanager
    def _one_change(self) -> Iterator[None]:
        """Several changes that make one update (an epoch's layer summaries
        and its metrics): a first one alone would be sent, and the rest held
        back by the throttle until the next epoch."""
        self._deferring += 1
        try:
            with self._lock:  # nothing in between is read by a live panel
                yield
        finally:
            self._deferring -= 1
            if not self._deferring and self._deferred:
                self._deferred = False
                self._changed()

    def _changed(self, final: bool = False) -> None:
        # Keras may run batch hooks in a worker thread; a display sent from
        # there can lose its cell, so those points wait for the next update.
        if threading.current_thread() is not threading.main_thread():
            return
        if self._deferring and not final:
            self._deferred = True
            return
        if self._live is not None:
            self._live.changed()
        if self._registered:
            from . import registry

            registry.changed(self, final)

    @property
    def batches(self) -> dict[str, list[Any]]:
        """Batch-level values: ``epoch`` and ``step`` columns plus one per metric."""
        return {
            "epoch": list(self._batch_epoch),
            "step": list(self._batch_step),
            **{name: list(column) for name, column in self._batch_values.items()},
        }

    @contextlib.contextmanager
    def live(
        self,
        total_epochs: int | None = None,
        every: float | None = None,
        keep: bool = False,
        static: bool | None = None,
    ) -> Iterator[Run]:
        """Show a panel that follows this run while the block runs.

        The panel ends ``finished``, ``interrupted`` (KeyboardInterrupt) or
        ``failed`` (any other exception, which is re-raised). ``static``: see
        :meth:`start_live`.
        """
        if total_epochs is not None:
            self.total_epochs = total_epochs
        self.start_live(every, keep=keep, static=static)
        try:
            yield self
        except BaseException as error:
            self.end_with(error)
            raise
        else:
            if self.status == "running":
                self.finish("finished")
        finally:
            self.stop_live()

    def start_live(
        self,
        every: float | None = None,
        keep: bool = False,
        static: bool | None = None,
    ) -> None:
        """Display this run's panel and keep it updated as values are logged.

        ``keep``: keep an earlier run of the same name (as ``name (2)``)
        instead of replacing it in ``tc.runs()``. ``static``: whether the
        panel's last update carries a static picture of it (default:
        ``tc.configure(static=...)``); updates while it runs never do.
        """
        from .live import DEFAULT_EVERY, LiveDisplay
        from .payload import bundle

        if not self._epochs and not self._batch_epoch:
            self.started = _now()
        self.status = "running"
        self.ended = None
        self.register(keep)
        self._live = LiveDisplay(
            lambda: bundle([self]),
            DEFAULT_EVERY if every is None else every,
            [self],
            static=static,
        )
        self._live.start()

    def register(self, keep: bool = False) -> None:
        """Keep this run in the kernel's registry (``tc.runs()``, ``tc.compare``)."""
        from . import registry

        self._registered = True
        registry.register(self, keep)

    def stop_live(self) -> None:
        """Send the final state of the panel and stop following the run."""
        if self._live is not None:
            live, self._live = self._live, None
            live.close()
        if self._registered:
            from . import registry

            registry.changed(self, final=True)

    def _row(self, epoch: int) -> int:
        row = bisect.bisect_left(self._epochs, epoch)
        if row < len(self._epochs) and self._epochs[row] == epoch:
            return row
        self._epochs.insert(row, epoch)
        self._times.insert(row, None)
        self._compact_times.insert(row, None)
        for column in (*self._values.values(), *self._compact.values()):
            column.insert(row, None)
        return row

    def add_event(self, kind: str, epoch: int | None = None, **info: Any) -> None:
        """Mark something that happened (``early_stop``, ``nan``, ...)."""
        event: dict[str, Any] = {"kind": kind}
        if epoch is not None:
            event["epoch"] = epoch
        event.update(info)
        with self._lock:  # not between log_to's replay and its first write
            self.events.append(event)
            for writer in self._writers:
                writer.event(event)

    def end_with(self, error: BaseException) -> None:
        """End a running run that ``error`` stopped: ``interrupted`` for a
        KeyboardInterrupt, else ``failed``, with the error named in an event.
        A run that already ended keeps its status."""
        if self.status != "running":
            return
        status = "interrupted" if isinstance(error, KeyboardInterrupt) else "failed"
        text = str(error)
        name = type(error).__name__
        self.add_event(status, message=f"{name}: {text}" if text else name)
        self.finish(status)

    def finish(self, status: str = "finished") -> None:
        if status not in STATUSES:
            raise ValueError(
                f"unknown status {status!r}; expected one of {', '.join(STATUSES)}"
            )
        self.status = status
        self.ended = _now()
        for writer in self._writers:
            writer.end(self)
        self._writers = []

    # -- reading -------------------------------------------------------

    @property
    def epochs(self) -> list[int]:
        """Logged epochs, 0-based, ascending."""
        return list(self._epochs)

    @property
    def metrics(self) -> dict[str, list[float | None]]:
        """Values per metric aligned with :attr:`epochs`; ``None`` = not logged."""
        return {name: list(column) for name, column in self._values.items()}

    @property
    def times(self) -> list[float | None]:
        """Seconds since the run started, at the end of each logged epoch."""
        return list(self._times)

    def __len__(self) -> int:
        return len(self._epochs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __getitem__(self, metric: str) -> list[float | None]:
        try:
            return list(self._values[metric])
        except KeyError:
            known = ", ".join(map(repr, self._values)) or "none"
            raise KeyError(
                f"no metric {metric!r} in run {self.name!r}; known: {known}"
            ) from None

    def _fresh_stats(self) -> MetricStats:
        if self._stats_version != self._epoch_version:
            self._stats.update(self._values)
            self._stats_version = self._epoch_version
        return self._stats

    @property
    def nonfinite(self) -> dict[str, list[tuple[int, str]]]:
        """Where NaN/inf were logged: metric -> [(epoch, "nan"|"inf"|"-inf")]."""
        stats = self._fresh_stats()
        return {
            name: [(self._epochs[row], kind) for row, kind in found]
            for name, found in stats.bad.items()
            if found
        }

    def best(self, metric: str) -> tuple[int, float] | None:
        """(epoch, value) of the best finite value, by the metric's direction."""
        if metric not in self._values:
            self[metric]  # the KeyError that names the known metrics
        rows = self._fresh_stats().best_row.get(metric)
        row = rows[-1] if rows else None
        return None if row is None else (self._epochs[row], self._values[metric][row])

    def last(self, metric: str) -> tuple[int, float] | None:
        """(epoch, value) of the latest logged value, NaN included."""
        for epoch, value in zip(reversed(self._epochs), reversed(self[metric])):
            if value is not None:
                return epoch, value
        return None

    def findings(self) -> list[Any]:
        """``tc.diagnose(self)``, computed once per change of the epoch values.

        Every bundle (payload and text summary) reads it; a diagnosis that
        fails gives no findings rather than costing the user the panel.
        """
        cached = self._diagnosis
        if cached is None or cached[0] != self._epoch_version:
            # A running run that grows many times a second (a watched file)
            # is diagnosed at most every DIAGNOSE_EVERY seconds: the verdicts
            # move slowly and the scan costs as much as the rest of an update.
            now = time.monotonic()
            if (
                cached is not None
                and self.status == "running"
                and now - cached[2] < DIAGNOSE_EVERY
            ):
                return cached[1]
            from .diagnose import diagnose

            try:
                found = diagnose(self)
            except Exception:
                found = []
            self._diagnosis = (self._epoch_version, found, now)
        return self._diagnosis[1]

    @property
    def elapsed(self) -> float | None:
        """Seconds from start to end (or now); None without timing."""
        if self.started is None:
            return None
        return (self.ended if self.ended is not None else _now()) - self.started

    # -- construction and display -----------------------------------------

    @classmethod
    def from_history(cls, history: Any, name: str | None = None) -> Run:
        """A finished Run from a Keras ``History``, its ``.history`` dict, or
        any mapping of metric name to a sequence of numbers."""
        from .ingest import run_from_history

        return run_from_history(history, name)

    def log_to(self, path: Any, per_rank: bool = False) -> None:
        """Also append everything logged from now on to a JSON Lines file
        (see ``traincurves.jsonl``), which ``tc.load`` and ``tc.watch`` read.

        What was logged before is written first (epochs, batches, layer
        summaries, events), so the file reads back to the whole run.
        In a distributed run only global rank 0 writes, unless ``per_rank``
        gives each rank its own ``{stem}.rank{N}.jsonl``.
        """
        from .jsonl import RunWriter, end_at_exit

        writer = RunWriter(path, per_rank=per_rank)
        # Under both locks, taken in the order bundle() and log_batch() take
        # them: a value logged meanwhile by another thread is written once,
        # either in the replay or by the writer, never lost or doubled.
        with self._lock, self._batch_lock:
            writer.start(self)
            # Whole rows, None included: every metric column comes back, in
            # its order, even one that holds no value yet.
            for i, epoch in enumerate(self._epochs):
                values = {k: col[i] for k, col in self._values.items()}
                writer.epoch(epoch, self._times[i], values)
            # Batch records carry their epoch and step: the reader puts them
            # back in their place whatever comes between.
            for i, (epoch, step) in enumerate(zip(self._batch_epoch, self._batch_step)):
                values = {k: col[i] for k, col in self._batch_values.items()}
                writer.batch(epoch, step, values)
            for found in self.distributions.values():
                for epoch, summary in zip(found.epochs, found.summaries):
                    writer.distribution(found.name, found.kind, epoch, summary)
            for event in self.events:  # in the order they happened
                writer.event(event)
            self._writers.append(writer)
        end_at_exit(self)

    def save(self, path: Any) -> Any:
        """Write the run to ``path`` as a traincurves run file (JSON, see
        ``traincurves.files``); ``tc.load(path)`` reads it back."""
        from .files import save

        return save(self, path)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        from .payload import bundle

        self.register()
        return bundle([self])

    def __repr__(self) -> str:
        return (
            f"<traincurves.Run {self.name!r} {self.status}, {len(self)} epochs, "
            f"metrics: {', '.join(self._values) or 'none'}>"
        )


def _now() -> float:
    return time.time()
