"""The Run: one training run's history, status, params and events.

It composes an epoch table (``epochs.py``) and a batch table
(``batches.py``) and tells its followers (``followers.py``: live panels,
JSON Lines writers, the kernel's registry) what happens to it.

Epochs are counted from 0 when logging, as ``range(epochs)``, Keras'
``History.epoch`` and ``CSVLogger`` do; they are shown from 1, as Keras
prints ``Epoch 1/20``.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .batches import BatchTable
from .epochs import EpochTable
from .values import describe, to_float

if TYPE_CHECKING:
    from .followers import Follower

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
        self.epoch_table = EpochTable()
        self.batch_table = BatchTable()
        self.steps_per_epoch: int | None = None  # for an x axis in steps
        # Held while the epoch data changes and while a payload is built from
        # it: a live panel's held-back update is sent from a timer thread.
        # Never held while a display is updated (see _changed's callers).
        self.lock = threading.RLock()
        # Replaced, never changed in place: a thread reads it without a lock.
        self._followers: tuple[Follower, ...] = ()
        self._panel: Follower | None = None  # the one start_live shows
        self._deferring = 0  # inside one_change
        self._deferred = False
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
            epoch = self.epoch_table.next_epoch
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
        with self.lock:  # a live panel may be read from its timer thread
            if time is None and self.started is not None:
                time = _now() - self.started
            self.epoch_table.set(epoch, parsed, time)
            for follower in self._followers:
                follower.epoch(self, epoch, time, parsed)
        self._changed()

    def log_batch(
        self, step: int | None = None, *, epoch: int | None = None, **values: Any
    ) -> None:
        """Record batch-level values (the fine-grained training curve).

        ``epoch`` defaults to the one being trained: the one after the last
        epoch logged with :meth:`log`. ``step`` counts batches within it.
        """
        if epoch is None:
            epoch = self.epoch_table.next_epoch
        if step is None:
            step = self.batch_table.next_step(epoch)
        parsed = {
            name: to_float(value, name, f"at epoch {epoch} step {step}")
            for name, value in values.items()
        }
        # Keras may call this from several worker threads at once: the
        # followers' records are made under the table's lock too, so that
        # two threads cannot interleave their lines in a file.
        table = self.batch_table
        with table.lock:
            table.add(epoch, step, parsed)
            for follower in self._followers:
                follower.batch(self, epoch, step, parsed)
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
            epoch = self.epoch_table.next_epoch
        self.add_summary(name, kind, epoch, summarise(values))

    def add_summary(self, name: str, kind: str, epoch: int, summary: Any) -> None:
        """:meth:`log_distribution` of values already summarised (a
        ``traincurves.layers.Summary``, as read back from a file)."""
        from .layers import Distribution

        with self.lock:
            found = self.distributions.get(name)
            if found is None:
                found = self.distributions[name] = Distribution(name, kind)
            found.add(epoch, summary)
            for follower in self._followers:
                follower.distribution(self, name, kind, epoch, summary)
        self._changed()

    @contextlib.contextmanager
    def one_change(self) -> Iterator[None]:
        """Several changes that make one update (an epoch's layer summaries
        and its metrics): a first one alone would be sent, and the rest held
        back by the throttle until the next epoch."""
        self._deferring += 1
        try:
            with self.lock:  # nothing in between is read by a live panel
                yield
        finally:
            self._deferring -= 1
            if not self._deferring and self._deferred:
                self._deferred = False
                self._changed()

    def _changed(self) -> None:
        # Keras may run batch hooks in a worker thread; a display sent from
        # there can lose its cell, so those points wait for the next update.
        if threading.current_thread() is not threading.main_thread():
            return
        if self._deferring:
            self._deferred = True
            return
        for follower in self._followers:
            follower.changed(self, False)

    # -- followers ---------------------------------------------------------

    @property
    def followers(self) -> tuple[Follower, ...]:
        """What follows this run (see ``traincurves.followers``)."""
        return self._followers

    def follow(self, follower: Follower, replay: bool = False) -> None:
        """Tell ``follower`` what happens to this run from now on (once,
        however often it is added). ``replay``: first tell it what was
        logged before (epochs, batches, layer summaries, events), so that it
        has the whole run."""
        # Under both locks, taken in the order bundle() and log_batch() take
        # them: a value logged meanwhile by another thread reaches the
        # follower once, either in the replay or as it is logged.
        with self.lock, self.batch_table.lock:
            if follower in self._followers:
                return
            if replay:
                # Whole rows, None included: every metric column comes
                # back, in its order, even one that holds no value yet.
                for epoch, time, values in self.epoch_table.rows():
                    follower.epoch(self, epoch, time, values)
                for epoch, step, values in self.batch_table.rows():
                    follower.batch(self, epoch, step, values)
                for found in self.distributions.values():
                    for epoch, summary in zip(found.epochs, found.summaries):
                        follower.distribution(
                            self, found.name, found.kind, epoch, summary
                        )
                for event in self.events:  # in the order they happened
                    follower.event(self, event)
            self._followers = (*self._followers, follower)

    def unfollow(self, follower: Follower) -> None:
        """Stop telling ``follower`` about this run."""
        with self.lock:
            self._followers = tuple(f for f in self._followers if f is not follower)

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
        panel's updates carry a static picture of it (default:
        ``tc.configure(static=...)``; see also ``live_static``).
        """
        from .live import DEFAULT_EVERY, LiveDisplay
        from .payload import bundle

        if not len(self) and not len(self.batch_table):
            self.started = _now()
        self.status = "running"
        self.ended = None
        if self._panel is not None:  # an earlier panel is left as it was
            self.unfollow(self._panel)
        panel = LiveDisplay(
            lambda update: bundle([self], update=update),
            DEFAULT_EVERY if every is None else every,
            [self],
            static=static,
        )
        # Followed before the registry: the run's own panel is updated before
        # the comparisons that show it.
        self.follow(panel)
        self._panel = panel
        self.register(keep)
        panel.start()

    def register(self, keep: bool = False) -> None:
        """Keep this run in the kernel's registry (``tc.runs()``, ``tc.compare``)."""
        from . import registry

        registry.register(self, keep)

    def stop_live(self) -> None:
        """Send the final state of the panel and stop following the run."""
        self._panel = None
        for follower in self._followers:
            follower.changed(self, True)

    def add_event(self, kind: str, epoch: int | None = None, **info: Any) -> None:
        """Mark something that happened (``early_stop``, ``nan``, ...)."""
        event: dict[str, Any] = {"kind": kind}
        if epoch is not None:
            event["epoch"] = epoch
        event.update(info)
        with self.lock:  # not between a follower's replay and its first record
            self.events.append(event)
            for follower in self._followers:
                follower.event(self, event)

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
        for follower in self._followers:
            follower.ended(self)

    # -- reading -------------------------------------------------------

    @property
    def epochs(self) -> list[int]:
        """Logged epochs, 0-based, ascending."""
        return list(self.epoch_table.epochs)

    @property
    def metrics(self) -> dict[str, list[float | None]]:
        """Values per metric aligned with :attr:`epochs`; ``None`` = not logged."""
        return {name: list(column) for name, column in self.epoch_table.values.items()}

    @property
    def times(self) -> list[float | None]:
        """Seconds since the run started, at the end of each logged epoch."""
        return list(self.epoch_table.times)

    @property
    def batches(self) -> dict[str, list[Any]]:
        """Batch-level values: ``epoch`` and ``step`` columns plus one per metric."""
        table = self.batch_table
        return {
            "epoch": list(table.epochs),
            "step": list(table.steps),
            **{name: list(column) for name, column in table.values.items()},
        }

    def __len__(self) -> int:
        return len(self.epoch_table)

    def __iter__(self) -> Iterator[str]:
        return iter(self.epoch_table.values)

    def __getitem__(self, metric: str) -> list[float | None]:
        values = self.epoch_table.values
        try:
            return list(values[metric])
        except KeyError:
            known = ", ".join(map(repr, values)) or "none"
            raise KeyError(
                f"no metric {metric!r} in run {self.name!r}; known: {known}"
            ) from None

    @property
    def nonfinite(self) -> dict[str, list[tuple[int, str]]]:
        """Where NaN/inf were logged: metric -> [(epoch, "nan"|"inf"|"-inf")]."""
        return self.epoch_table.nonfinite()

    def best(self, metric: str) -> tuple[int, float] | None:
        """(epoch, value) of the best finite value, by the metric's direction."""
        table = self.epoch_table
        if metric not in table.values:
            self[metric]  # the KeyError that names the known metrics
        row = table.best_row(metric)
        return None if row is None else (table.epochs[row], table.values[metric][row])

    def last(self, metric: str) -> tuple[int, float] | None:
        """(epoch, value) of the latest logged value, NaN included."""
        epochs = self.epoch_table.epochs
        for epoch, value in zip(reversed(epochs), reversed(self[metric])):
            if value is not None:
                return epoch, value
        return None

    def findings(self) -> list[Any]:
        """``tc.diagnose(self)``, computed once per change of the epoch values.

        Every bundle (payload and text summary) reads it; a diagnosis that
        fails gives no findings rather than costing the user the panel.
        """
        version = self.epoch_table.version
        cached = self._diagnosis
        if cached is None or cached[0] != version:
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
            self._diagnosis = (version, found, now)
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
        writer.start(self)
        self.follow(writer, replay=True)
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
            f"metrics: {', '.join(self.epoch_table.values) or 'none'}>"
        )


def _now() -> float:
    return time.time()
