"""A panel refreshed in place while training runs.

One ``display(..., display_id=True)`` when training starts, then
``update_display`` with the whole bundle, throttled: IOPub drops messages above
1000/s, and a dropped *final* update would leave a stale chart, so the last
state is always sent when the run ends. A display problem never reaches the
training loop: it becomes one warning and the panel stops updating.

Each update tells the bundle builder what it is for (:class:`Update`):
updates sent while a run goes on are smaller. They carry the static picture
(an SVG of the panel, see ``traincurves.static``) too, so frontends without
the extension show the run live; it is drawn at most every
``tc.configure(live_static_every=...)`` seconds and for the last update, and
in between the last drawing is sent again: an update without it would make
such a frontend fall back to the text, then back to the picture, a flicker.

Where no notebook frontend draws outputs (a script, IPython in a terminal),
a live display prints progress lines instead (``traincurves.terminal``).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import signal
import threading
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config import settings
from .followers import Follower
from .kernel import current_cell, origin, shell
from .terminal import Progress, frontend

if TYPE_CHECKING:
    from .run import Run

DEFAULT_EVERY = 0.25  # seconds between updates: at most 4 per second
# Costly updates are also spaced by at least this many times what the last
# one cost to build and send, so they take at most ~1/COST_FACTOR of the kernel.
COST_FACTOR = 25
CHEAP = 0.01  # seconds: updates cheaper than this follow ``every`` alone
SVG = "image/svg+xml"


@dataclass(frozen=True)
class Update:
    """What a live display builds a bundle for (``payload.bundle(update=)``)."""

    final: bool  # its last update: the panel will not change again
    static: bool | None  # the display's ``static`` keyword
    # Its display id, cell and execution (``kernel.origin``); None: unknown.
    origin: dict[str, Any] | None = None
    # The display's last picture, sent again while a new one is not due;
    # None: draw one (if the bundle has a picture at all).
    picture: str | None = None


def is_primary_process() -> bool:
    """False on non-zero ranks of a distributed run: only rank 0 shows panels."""
    for variable in ("RANK", "LOCAL_RANK", "SLURM_PROCID"):
        value = os.environ.get(variable)
        if value not in (None, "", "0"):
            return False
    tf_config = os.environ.get("TF_CONFIG")
    if tf_config:
        import json

        try:
            task = json.loads(tf_config).get("task", {})
        except ValueError:
            return True
        kind, index = task.get("type"), task.get("index", 0)
        cluster = json.loads(tf_config).get("cluster", {})
        chief = "chief" if "chief" in cluster else "worker"
        return kind == chief and index == 0
    return True


class LiveDisplay(Follower):
    """A display that is updated in place; ``build(update)`` makes its bundle.

    ``static``: whether its updates carry the static picture (default:
    ``tc.configure``'s). A run's panel follows the run (``run.start_live``):
    it is updated as the run changes and closed by its final change.
    ``shown``: the runs it shows, for progress lines outside a notebook
    frontend (default: ``runs``); a display with neither prints its text once.
    """

    def __init__(
        self,
        build: Callable[[Update], dict],
        every: float = DEFAULT_EVERY,
        runs: Iterable[Run] = (),
        static: bool | None = None,
        shown: Callable[[], list[Run]] | None = None,
    ) -> None:
        self.build = build
        self.every = every
        self._interval = every
        self.static = static
        # Runs this display follows; if the cell fails they end failed here.
        self.runs = list(runs)
        self.shown = shown if shown is not None else (lambda: self.runs)
        # Progress lines instead of displays, outside a notebook frontend.
        self._terminal: Progress | None = None
        self._picture: str | None = None  # the last one drawn, and when
        self._drawn = -float("inf")
        self.enabled = is_primary_process()
        self.sent = 0
        self._handle: Any = None
        self._last = -float("inf")
        self._pending = False
        self._warned = False
        # What identifies the cell it began in: the kernel's execute request,
        # or (IPython without a kernel) the cell's execution count.
        self.cell: tuple[str, Any] | None = None
        self.origin: dict[str, Any] | None = None
        self._closed = False
        # A change held back by the throttle is sent by a timer when its
        # time comes, not only with the next change: after a fast epoch the
        # next may take minutes. Sends are serialised by the lock.
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        self._context: contextvars.Context | None = None

    def start(self, track: bool = True) -> None:
        """Display it; ``track``: finish its runs if the cell fails."""
        if not self.enabled:
            return
        try:
            if not frontend():
                self._start_in_terminal(track)
                return
            from IPython.display import display

            # Our own display id, so that the payload can carry it: a page
            # opened later finds the saved output its updates belong to.
            display_id = uuid.uuid4().hex
            self.origin = origin(display_id)
            self._handle = display(self._build(False), raw=True, display_id=display_id)
            self._last = time.monotonic()
            self.sent += 1
            # The timer's sends run in this cell's context: same output area.
            self._context = contextvars.copy_context()
            if track:
                _track(self)
        except Exception as error:  # never break training for a display
            self._fail(error)

    def _start_in_terminal(self, track: bool) -> None:
        self._terminal = Progress(self.shown)
        self._handle = self._terminal
        self._last = time.monotonic()
        self._context = contextvars.copy_context()
        if not self.shown():  # a comparison: its table, once
            text = self.build(Update(True, False)).get("text/plain")
            if text:
                print(text, flush=True)
        if track:
            _track(self)

    def changed(self, run: Run | None = None, final: bool = False) -> None:
        """What it shows changed: send it now, or later if updates come too
        fast. ``final``: send the last update and stop following ``run``."""
        if final:
            self.close()
            if run is not None:
                run.unfollow(self)
            return
        self._pending = True
        self.tick()

    def _schedule(self) -> None:
        if (
            self._closed
            or self._timer is not None
            or self._handle is None
            or self._context is None
        ):
            return
        self._timer = threading.Timer(max(0.01, self.due()), self._send_later)
        self._timer.daemon = True
        self._timer.start()

    def _send_later(self) -> None:
        with self._lock:
            self._timer = None
        context = self._context
        if context is not None and self._pending:
            context.copy().run(self.tick)

    @property
    def pending(self) -> bool:
        """A change is held back, waiting for its time."""
        return self._pending and self._handle is not None

    def tick(self) -> None:
        """Send a held-back change if its time has come, else make sure a
        timer will."""
        if not self._pending or self._closed:
            return
        with self._lock:  # the timer thread and the training loop both come here
            if self._closed:
                return
            if self.due() <= 0:
                self._flush(False)
                return
        self._schedule()

    def due(self) -> float:
        """Seconds until the next update may be sent (<= 0: now)."""
        return self._interval - (time.monotonic() - self._last)

    def flush(self, final: bool = False) -> None:
        """Send the current state if anything changed since the last send."""
        with self._lock:
            self._flush(final)

    def _flush(self, final: bool) -> None:
        if not self._pending or self._handle is None:
            return
        self._pending = False
        try:
            start = time.monotonic()
            if self._terminal is not None:
                self._terminal.write(final)
            else:
                self._handle.update(self._build(final), raw=True)
            self._last = time.monotonic()
            self.sent += 1
            # Updates of a big panel (many long runs) cost more than small
            # ones: spacing them by their cost keeps them to a bounded share
            # of the kernel however large the panel grows. A progress line
            # costs next to nothing: a slow one was only held up.
            cost = self._last - start
            costly = cost > CHEAP and self._terminal is None
            self._interval = (
                max(self.every, cost * COST_FACTOR) if costly else self.every
            )
        except Exception as error:
            self._fail(error)

    def close(self) -> None:
        """Send the final state: always, after the throttle interval (at most
        a second) so the last message does not exceed the update rate.

        Nothing is sent after it: a timer that fired meanwhile finds the
        display closed, so the last message is always the final one."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        with interrupts_held():
            if self._handle is not None and self._terminal is None:
                wait = self.every - (time.monotonic() - self._last)
                if wait > 0:
                    time.sleep(min(wait, 1.0))
            with self._lock:
                self._pending = True
                self._flush(final=True)
        _untrack(self)

    def _build(self, final: bool) -> dict:
        now = time.monotonic()
        due = final or now - self._drawn >= settings().live_static_every
        reuse = None if due else self._picture
        bundle = self.build(
            Update(final, self.static, origin=self.origin, picture=reuse)
        )
        picture = bundle.get(SVG)
        if picture is not None and picture is not reuse:
            self._picture, self._drawn = picture, now
        return bundle

    def _fail(self, error: Exception) -> None:
        self._handle = None
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"traincurves could not update the training panel ({error!r}); "
                "training continues and the run keeps every logged value.",
                RuntimeWarning,
                stacklevel=3,
            )


# Live displays of the current kernel. Keras does not call on_train_end when
# fit raises, so the panels of a cell that ended in an error are finished from
# IPython's post_run_cell event: interrupted or failed, with what was logged.
_live: weakref.WeakSet[LiveDisplay] = weakref.WeakSet()
_hooked = False


def _track(live: LiveDisplay) -> None:
    global _hooked
    _live.add(live)
    ipython = shell()
    if ipython is None:
        return
    live.cell = current_cell(ipython)
    if not _hooked:
        ipython.events.register("post_run_cell", _after_cell)
        _hooked = True


def _untrack(live: LiveDisplay) -> None:
    _live.discard(live)


def _after_cell(result: Any) -> None:
    error = getattr(result, "error_in_exec", None) or getattr(
        result, "error_before_exec", None
    )
    if error is None:
        return
    cell = current_cell()
    if cell is not None and cell[0] == "count":
        # The count has moved on by now; the result keeps the cell's own.
        cell = ("count", result.execution_count)
    ending = [live for live in list(_live) if live.cell == cell]
    if not ending:
        return
    # The cell has ended: an interrupt now has nothing left to stop.
    with interrupts_held(reraise=False):
        for live in ending:
            for run in live.runs:
                run.end_with(error)
                run.stop_live()  # the final update, and comparisons following it
            live.close()


@contextlib.contextmanager
def interrupts_held(reraise: bool = True) -> Iterator[None]:
    """Hold SIGINT back while a final update goes out: an interrupt (often a
    second press of the button) must not cut it short and leave the panel
    saying ``running``. With ``reraise``, one that came is delivered after.
    Only the main thread receives signals; elsewhere this does nothing."""
    caught: list[Any] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *args: caught.append(args))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        # None: a handler not set from Python; the default raises as usual.
        signal.signal(signal.SIGINT, previous or signal.default_int_handler)
    if caught and reraise and callable(previous):
        previous(*caught[0])
