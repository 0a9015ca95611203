"""The one interface through which live panels, JSON Lines writers and the
kernel's registry follow a Run.

A Run is a store of what was logged and a list of followers
(``run.follow(follower)``); it tells each of them what happens and knows
nothing of their kinds. Every method here does nothing: a follower overrides
what it needs (a file writer the records, a panel ``changed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .layers import Summary
    from .run import Run

Values = dict[str, Optional[float]]  # metric -> value; None: not logged


class Follower:
    """Told what happens to the runs it follows.

    The records (``epoch``, ``batch``, ``distribution``, ``event``) come in
    the thread that logged them, while the run holds its lock (``batch``:
    its batch table's), so two threads never interleave them: keep them
    short and show nothing there. ``batch`` may come from a worker thread.
    """

    def epoch(self, run: Run, epoch: int, time: float | None, values: Values) -> None:
        """Values logged for ``epoch``, ``time`` seconds after the start."""

    def batch(self, run: Run, epoch: int, step: int, values: Values) -> None:
        """Values logged for batch ``step`` of ``epoch``."""

    def distribution(
        self, run: Run, name: str, kind: str, epoch: int, summary: Summary
    ) -> None:
        """A layer's distribution at ``epoch``, summarised."""

    def event(self, run: Run, event: dict[str, Any]) -> None:
        """Something that happened (``early_stop``, ``nan``, ...)."""

    def changed(self, run: Run, final: bool) -> None:
        """The run changed and may be shown again; called on the main thread
        only, once for all that changed inside ``run.one_change()``.
        ``final`` (from ``run.stop_live()``): its panels' last update, after
        which a panel stops following it."""

    def ended(self, run: Run) -> None:
        """The run has its final status (``run.finish``)."""
