"""``tc.watch``: follow JSON Lines runs written elsewhere, in a live panel.

Files are polled (no inotify: it misses writes on network file systems);
only whole lines are read, so a record being written is picked up on the
next poll. A file that shrinks or is replaced (truncated, rotated) is read
again from the start, a corrupt line is skipped with a warning, a deleted
file keeps what was read.
"""

from __future__ import annotations

import contextvars
import glob as globbing
import os
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from .jsonl import RunReader
from .live import LiveDisplay, Update
from .run import Run


class FileFollower:
    """Reads the new whole lines of one JSON Lines file into a Run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reader = RunReader(str(path))
        self.offset = 0
        self.partial = b""
        self.identity: tuple[int, int] | None = None
        self.gone = False

    @property
    def run(self) -> Run:
        return self.reader.run

    def poll(self) -> bool:
        """Read what was appended; True when any record arrived."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if not self.gone:
                self.gone = True
                warnings.warn(
                    f"{self.path} was deleted; keeping the "
                    f"{len(self.run)} epochs read from it",
                    RuntimeWarning,
                    stacklevel=2,
                )
            return False
        identity = (stat.st_dev, stat.st_ino)
        if self.identity is not None and (
            identity != self.identity or stat.st_size < self.offset
        ):
            warnings.warn(
                f"{self.path} was truncated or replaced; reading it "
                "again from the start",
                RuntimeWarning,
                stacklevel=2,
            )
            old = self.reader.run
            self.reader = RunReader(str(self.path))
            self.reader.run.id = old.id  # the same panel series
            self.offset, self.partial = 0, b""
        self.identity, self.gone = identity, False
        if stat.st_size == self.offset:
            return False
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()  # no newline yet: still being written
        for line in lines:
            self.reader.feed(line.decode("utf-8", errors="replace") + "\n")
        return bool(lines)


class Watcher:
    """Follows every file matching a glob; new files become new runs."""

    def __init__(
        self, pattern: str, every: float = 0.5, timeout: float | None = None
    ) -> None:
        self.pattern = pattern
        self.every = every
        self.timeout = timeout
        self.followers: dict[str, FileFollower] = {}
        self.display = LiveDisplay(self._bundle, every)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._version = 0  # bumped when a poll changed anything
        self._unreadable: set[str] = set()  # warned about once each
        self._runs: tuple[int, list[Run]] = (-1, [])

    @property
    def runs(self) -> list[Run]:
        """One run per file; per-rank files of one run combined into one."""
        # Combining ranks (and diagnosing the result) is redone only after
        # a poll brought something new, not for each look at the runs.
        if self._runs[0] != self._version:
            self._runs = (self._version, self._combined())
        return self._runs[1]

    def _combined(self) -> list[Run]:
        from .ranks import combine, group_key

        groups: dict[str, list[tuple[int, Run]]] = {}
        for path, follower in self.followers.items():
            key, rank = group_key(Path(path))
            groups.setdefault(key, []).append((rank or 0, follower.run))
        return [
            members[0][1]
            if len(members) == 1
            else combine([r for _, r in sorted(members, key=lambda m: m[0])])
            for members in groups.values()
        ]

    def _bundle(self, update: Update) -> dict:
        from .payload import bundle

        runs = self.runs
        if not runs:
            return {
                "text/plain": f"traincurves: waiting for files matching {self.pattern!r}"
            }
        return bundle(runs, update=update)

    def poll(self) -> bool:
        changed = False
        for name in sorted(globbing.glob(self.pattern)):
            if name not in self.followers and os.path.isfile(name):
                self.followers[name] = FileFollower(Path(name))
                changed = True
        for path, follower in self.followers.items():
            try:
                changed = follower.poll() or changed
            except OSError as error:  # unreadable for now: the others go on
                if path not in self._unreadable:
                    self._unreadable.add(path)
                    warnings.warn(
                        f"cannot read {path} ({error}); trying again while watching",
                        RuntimeWarning,
                        stacklevel=2,
                    )
            else:
                self._unreadable.discard(path)
        if changed:
            self._version += 1
        return changed

    def finished(self) -> bool:
        return bool(self.followers) and all(r.status != "running" for r in self.runs)

    def _follow(self) -> None:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        try:
            while not self._stop.is_set():
                if self.poll():
                    self.display.changed()
                else:
                    self.display.tick()
                if self.finished() or (
                    deadline is not None and time.monotonic() > deadline
                ):
                    break
                # Wake when a held-back update may go out, if that is sooner
                # than the next poll: the delay to the panel is one of the two.
                due = self.display.due() if self.display.pending else self.every
                self._stop.wait(min(self.every, max(0.02, due)))
        finally:
            try:
                self.poll()  # what was written since the last poll
            finally:
                self.display.close()

    def start(self, block: bool) -> Watcher:
        self.display.start(track=False)
        if block:
            try:
                self._follow()
            except KeyboardInterrupt:
                self._stop.set()
            return self
        # The thread runs in a copy of this cell's context, so its display
        # updates carry the cell's message header.
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._follow,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop following; the panel keeps its last state."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def __repr__(self) -> str:
        state = "following" if self._thread and self._thread.is_alive() else "stopped"
        return f"<traincurves watch of {self.pattern!r}: {len(self.followers)} runs, {state}>"


def watch(
    pattern: Any,
    *,
    block: bool = False,
    timeout: float | None = None,
    every: float = 0.5,
) -> Watcher:
    """Show the runs in JSON Lines files matching ``pattern`` and follow them
    as they grow, until every run has ended, ``timeout`` seconds, or
    ``.stop()`` (or an interrupt when ``block=True``)."""
    return Watcher(str(pattern), every=every, timeout=timeout).start(block)
