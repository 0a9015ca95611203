"""The runs of this kernel, by name, and the comparisons following them.

Every run that is shown (``tc.show``, a live panel, a bare ``run`` at the end
of a cell) is kept here by name. Showing another run of the same name replaces
it, unless ``keep=True`` asks to keep the earlier one as ``name (2)``.
Comparisons displayed with ``tc.compare`` follow their runs by name, so a
comparison shown before a run is re-trained updates while it trains.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from .followers import Follower

if TYPE_CHECKING:
    from .run import Run

_runs: dict[str, Run] = {}
_followers: weakref.WeakSet[Follower] = weakref.WeakSet()


class _Relay(Follower):
    """Follows every registered run for the comparisons: they follow runs
    by name, and a name may be given to a run that does not exist yet."""

    def changed(self, run: Run, final: bool) -> None:
        changed(run, final)


_relay = _Relay()


def register(run: Run, keep: bool = False) -> None:
    """Keep ``run`` under its name."""
    run.follow(_relay)
    earlier = _runs.get(run.name)
    if earlier is run:
        return
    if earlier is not None and keep:
        n = 2
        while f"{run.name} ({n})" in _runs:
            n += 1
        earlier.name = f"{run.name} ({n})"
        _runs[earlier.name] = earlier
    _runs[run.name] = run
    changed(run)


class UnknownRunError(KeyError):
    """A run name that this kernel has not shown."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


def get(name: str) -> Run:
    try:
        return _runs[name]
    except KeyError:
        known = ", ".join(map(repr, _runs)) or "none yet"
        raise UnknownRunError(
            f"no run named {name!r} in this kernel; known runs: {known}"
        ) from None


def find(name: str) -> Run | None:
    """The run kept under ``name``, if any."""
    return _runs.get(name)


def registered(run: Run) -> bool:
    """Whether ``run`` was registered (even if another has its name now)."""
    return _relay in run.followers


def runs() -> list[Run]:
    return list(_runs.values())


def clear() -> None:
    """Forget every run (tests, or a fresh start in a long session)."""
    _runs.clear()


def follow(follower: Follower) -> None:
    """``follower.changed(run, final)`` is called whenever a registered run
    changes."""
    _followers.add(follower)


def changed(run: Run, final: bool = False) -> None:
    for follower in list(_followers):
        follower.changed(run, final)
