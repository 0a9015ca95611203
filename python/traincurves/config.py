"""Process-wide defaults, set with ``tc.configure``.

One frozen dataclass holds them; ``configure`` replaces it, so code that
read the settings once keeps a consistent view. A keyword on a call (``show``,
``compare``, ``LivePlot``) overrides the default for that call. A new setting
is a field of :class:`Settings`, its check in ``__post_init__`` and a
keyword of :func:`configure`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Settings:
    """The defaults in force; see :func:`configure`."""

    # Add a static SVG picture of finished panels to their bundle, for
    # GitHub, nbviewer, VS Code and nbconvert exports.
    static: bool = True
    # Also put the picture in updates sent while a run trains, so frontends
    # without the extension show a live picture; redrawn at most every
    # ``live_static_every`` seconds (the last drawing is re-sent in between,
    # so the output never falls back to text).
    live_static: bool = True
    live_static_every: float = 1.0
    # The panel payload's size cap in bytes: above it, batch-level curves are
    # reduced for display (epoch curves never are; the Run keeps all).
    max_bytes: int = 1_000_000

    def __post_init__(self) -> None:
        if not isinstance(self.static, bool):
            raise TypeError(
                f"static must be True or False, got {type(self.static).__name__} "
                f"{self.static!r}"
            )
        if not isinstance(self.live_static, bool):
            raise TypeError(
                "live_static must be True or False, got "
                f"{type(self.live_static).__name__} {self.live_static!r}"
            )
        every = self.live_static_every
        if (
            isinstance(every, bool)
            or not isinstance(every, (int, float))
            or not 0 <= every < float("inf")
        ):
            raise ValueError(
                f"live_static_every must be a number of seconds >= 0, got {every!r}"
            )
        if (
            isinstance(self.max_bytes, bool)
            or not isinstance(self.max_bytes, int)
            or self.max_bytes < 10_000
        ):
            raise ValueError(
                f"max_bytes must be an integer of at least 10000, got {self.max_bytes!r}"
            )


_settings = Settings()


def settings() -> Settings:
    """The defaults in force."""
    return _settings


def configure(
    *,
    static: bool | None = None,
    max_bytes: int | None = None,
    live_static: bool | None = None,
    live_static_every: float | None = None,
) -> Settings:
    """Set defaults for this kernel; a keyword left out keeps its value.

    ``static``: add a static picture (``image/svg+xml``) of each finished
    panel to its output, shown where the extension is not installed
    (GitHub, nbviewer, VS Code, ``jupyter nbconvert``). On by default;
    ``False`` keeps notebooks smaller.

    ``live_static``: also put the picture in the updates a live panel gets
    while its run trains (on by default), so VS Code, Colab and JupyterLab
    without the extension show the run live; ``False`` leaves it for the
    last update only. ``live_static_every``: at most one new drawing per
    this many seconds (default 1); updates in between carry the last one.

    ``max_bytes``: about how large a panel's data may get (default 1 MB).
    Long batch-level curves are reduced to fit — the lowest, highest and
    non-finite points kept — and the panel says so; epoch curves are never
    reduced, and the run keeps every point.

    Returns the settings now in force.
    """
    global _settings
    given: dict[str, Any] = {
        "static": static,
        "max_bytes": max_bytes,
        "live_static": live_static,
        "live_static_every": live_static_every,
    }
    _settings = replace(_settings, **{k: v for k, v in given.items() if v is not None})
    return _settings


def reset() -> Settings:
    """Back to the defaults (tests, or a fresh start)."""
    global _settings
    _settings = Settings()
    return _settings
