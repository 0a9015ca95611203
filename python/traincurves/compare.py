"""``tc.compare`` and ``tc.runs``: several runs on one panel."""

from __future__ import annotations

import os
from collections import deque
from typing import Any

from . import registry
from .files import is_path
from .followers import Follower
from .ingest import as_run, as_runs
from .live import DEFAULT_EVERY, LiveDisplay, Update
from .run import Run
from .summary import table

# Comparisons on screen that may still change; the registry only holds them
# weakly, so the most recent ones are kept alive here.
_recent: deque[Comparison] = deque(maxlen=32)


class RunList(list):
    """The runs of this kernel; shown as a table."""

    def __repr__(self) -> str:
        return table(self) if self else "no runs shown in this kernel yet"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def runs() -> RunList:
    """Every run shown in this kernel, by name, as a table."""
    return RunList(registry.runs())


class Comparison(Follower):
    """A comparison panel that follows its runs while they change.

    Runs given by name are looked up again on every update, so re-training a
    run of the same name shows the new run here.
    """

    def __init__(
        self,
        entries: list[tuple[str | None, Run]],
        metric: str | None,
        static: bool | None = None,
        highlight: int | bool | None = None,
    ):
        self.entries = entries
        self.metric = metric
        self.highlight = highlight
        self.display = LiveDisplay(self._bundle, DEFAULT_EVERY, static=static)

    def runs(self) -> list[Run]:
        current = []
        for name, run in self.entries:
            found = None if name is None else registry.find(name)
            if found is not None:
                run = found
            if run not in current:
                current.append(run)
        return current

    def _bundle(self, update: Update) -> dict:
        from .payload import bundle

        metrics = [self.metric] if self.metric else None
        return bundle(
            self.runs(), metrics=metrics, update=update, highlight=self.highlight
        )

    def changed(self, run: Run, final: bool) -> None:
        """A registered run changed (the registry relays every one)."""
        names = {name for name, _ in self.entries if name is not None}
        if run.name in names or any(run is r for r in self.runs()):
            if final:
                self.display.close()
            else:
                self.display.changed()


def resolve(
    items: tuple[Any, ...], names: list[str] | None
) -> list[tuple[str | None, Run]]:
    if names is not None and len(names) != len(items):
        raise ValueError(
            f"names has {len(names)} entries for {len(items)} runs to compare"
        )
    entries: list[tuple[str | None, Run]] = []
    for i, item in enumerate(items):
        name = names[i] if names is not None else None
        if isinstance(item, str) and registry.find(item) is not None:
            entries.append((item, registry.get(item)))
            continue
        if isinstance(item, os.PathLike) or (isinstance(item, str) and is_path(item)):
            for run in as_runs(item, name):  # a log: every run it holds
                run.register()
                entries.append((None, run))
            continue
        if isinstance(item, str):
            entries.append((item, registry.get(item)))  # names the known runs
            continue
        is_run = isinstance(item, Run)
        run = as_run(item, name or (None if is_run else f"run {i + 1}"))
        if not registry.registered(run):
            run.register()
        entries.append((None, run))
    return entries


def compare(
    *items: Any,
    names: list[str] | None = None,
    metric: str | None = None,
    static: bool | None = None,
    highlight: int | bool | None = None,
) -> None:
    """Show several runs on one panel: one colour per run, a table under it.

    ``items`` are run names (as shown in ``tc.runs()``), Runs, Keras
    Histories, history mappings, or paths of logs (globs too: every run of
    every matching log); none means every run of this kernel.
    ``names`` names the items in order; ``metric`` focuses one metric,
    which also ranks the runs (by default the validation loss).
    Beyond 10 runs the best 5 are drawn strongly and the rest faint;
    ``highlight=k`` draws the best k strongly, ``highlight=False`` every run.
    Runs still training, or re-trained under the same name, update the panel.
    ``static=False`` leaves out the static picture (default:
    ``tc.configure(static=...)``; see also ``live_static``).
    """
    if items:
        entries = resolve(items, names)
    else:
        every = registry.runs()
        if not every:
            raise ValueError(
                "there are no runs to compare yet: show or train runs first "
                "(tc.show, tc.LivePlot, Run.live), or pass them to tc.compare"
            )
        entries = [(run.name, run) for run in every]
    if metric is not None:
        known = {m for _, run in entries for m in run}
        if metric not in known:
            raise ValueError(
                f"no run logged the metric {metric!r}; logged: "
                f"{', '.join(map(repr, sorted(known))) or 'none'}"
            )
    if highlight is not None and not isinstance(highlight, bool):
        if not isinstance(highlight, int) or highlight < 1:
            raise ValueError(
                f"highlight must be a number of runs (1 or more) or False, "
                f"got {highlight!r}"
            )
    comparison = Comparison(entries, metric, static, highlight)
    comparison.display.start(track=False)
    _recent.append(comparison)
    registry.follow(comparison)
