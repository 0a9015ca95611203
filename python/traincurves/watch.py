"""``tc.watch``: follow runs written elsewhere, in a live panel.

What it follows:

- JSON Lines files matching a glob, local or in object storage
  (``s3://bucket/runs/*.jsonl``, through fsspec: see ``remote.py``);
- a folder: its ``*.jsonl`` files and, as a TensorBoard logdir, every run
  folder of event files in it (``tc.watch("logs/")``).

New files become new runs. Files are polled (no inotify: it misses writes on
network file systems and does not exist for object stores); only whole
lines and whole event records are read, so a record being written is picked
up on the next poll. A JSON Lines file that shrinks or is replaced
(truncated, rotated) is read again from the start, a corrupt line is skipped
with a warning, a deleted file keeps what was read. JSON Lines runs end with
their ``end`` record; TensorBoard logs have none, so a logdir is followed
until ``timeout`` or ``.stop()``.
"""

from __future__ import annotations

import contextvars
import glob as globbing
import os
import threading
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import remote
from .jsonl import RunReader
from .live import LiveDisplay, Update
from .run import Run


class LocalFile:
    """A local file as a FileFollower reads it (see remote.RemoteFile)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def stat(self) -> tuple[Any, int] | None:
        """``(identity, size)``; None when the file is gone."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (stat.st_dev, stat.st_ino), stat.st_size

    def read(self, offset: int) -> bytes:
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            return handle.read()


class FileFollower:
    """Reads the new whole lines of one JSON Lines file into a Run."""

    def __init__(self, path: Path | str, source: Any = None) -> None:
        self.path = path
        self.source = source if source is not None else LocalFile(Path(path))
        self.reader = RunReader(str(path))
        self.offset = 0
        self.partial = b""
        self.identity: Any = None
        self.gone = False

    @property
    def run(self) -> Run:
        return self.reader.run

    def poll(self) -> bool:
        """Read what was appended; True when any record arrived."""
        found = self.source.stat()
        if found is None:
            if not self.gone:
                self.gone = True
                warnings.warn(
                    f"{self.path} was deleted; keeping the "
                    f"{len(self.run)} epochs read from it",
                    RuntimeWarning,
                    stacklevel=2,
                )
            return False
        identity, size = found
        if self.identity is not None and (
            identity != self.identity or size < self.offset
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
        if size == self.offset:
            return False
        data = self.source.read(self.offset)
        self.offset += len(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()  # no newline yet: still being written
        for line in lines:
            self.reader.feed(line.decode("utf-8", errors="replace") + "\n")
        return bool(lines)


class JsonlFiles:
    """The JSON Lines files matching a glob, local or remote: one run per
    file, per-rank files of one run combined into one."""

    def __init__(
        self, pattern: str, storage_options: Mapping[str, Any] | None = None
    ) -> None:
        self.pattern = pattern
        self.storage_options = storage_options
        self.remote = remote.is_remote(pattern)
        self.followers: dict[str, FileFollower] = {}
        self._unreadable: set[str] = set()  # warned about once each

    def __len__(self) -> int:
        return len(self.followers)

    def _matching(self) -> list[str]:
        if self.remote:
            return remote.glob(self.pattern, self.storage_options)
        return [
            name for name in sorted(globbing.glob(self.pattern)) if os.path.isfile(name)
        ]

    def _follower(self, name: str) -> FileFollower:
        if self.remote:
            return FileFollower(name, remote.RemoteFile(name, self.storage_options))
        return FileFollower(Path(name))

    def poll(self) -> bool:
        changed = False
        try:
            names = self._matching()
        except OSError as error:  # a store out of reach for now
            names = []
            self._warn_once(self.pattern, error)
        for name in names:
            if name not in self.followers:
                self.followers[name] = self._follower(name)
                changed = True
        for path, follower in self.followers.items():
            try:
                changed = follower.poll() or changed
            except OSError as error:  # unreadable for now: the others go on
                self._warn_once(path, error)
            else:
                self._unreadable.discard(path)
        return changed

    def _warn_once(self, path: str, error: OSError) -> None:
        if path not in self._unreadable:
            self._unreadable.add(path)
            warnings.warn(
                f"cannot read {path} ({error}); trying again while watching",
                RuntimeWarning,
                stacklevel=3,
            )

    def runs(self) -> list[Run]:
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

    def ended(self) -> bool:
        return all(f.run.status != "running" for f in self.followers.values())


class EventLogdir:
    """A TensorBoard logdir: new events of known runs, new run folders.
    Event logs have no end record: their runs stay ``running``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.logdir: Any = None
        self._missing = False  # the tensorboard package, warned about once
        self._corrupt: set[Path] = set()  # event files warned about

    def __len__(self) -> int:
        return 0 if self.logdir is None else len(self.logdir.data)

    def poll(self) -> bool:
        from .readers import tensorboard

        if self.logdir is None:
            if not tensorboard.event_files(self.root):
                return False
            try:
                tensorboard.require()
            except ImportError as error:
                if not self._missing:
                    self._missing = True
                    warnings.warn(str(error), RuntimeWarning, stacklevel=3)
                return False
            self.logdir = tensorboard.Logdir(self.root)
        changed = self.logdir.poll()
        for path, events in self.logdir.files.items():
            if events.corrupt and path not in self._corrupt:
                self._corrupt.add(path)
                warnings.warn(
                    f"{path}: skipped everything from {events.corrupt} on",
                    RuntimeWarning,
                    stacklevel=3,
                )
        return changed

    def runs(self) -> list[Run]:
        return [] if self.logdir is None else self.logdir.runs(status="running")

    def ended(self) -> bool:
        return len(self) == 0  # nothing to say while it has runs


def _sources(
    pattern: str, storage_options: Mapping[str, Any] | None
) -> list[JsonlFiles | EventLogdir]:
    if remote.is_remote(pattern):
        if pattern.endswith("/"):
            pattern += "*.jsonl"
        return [JsonlFiles(pattern, storage_options)]
    path = Path(pattern)
    if path.is_dir():
        from .readers import tensorboard

        if tensorboard.event_files(path):
            tensorboard.require()  # say what is missing now, in the cell
        return [JsonlFiles(str(path / "*.jsonl")), EventLogdir(path)]
    return [JsonlFiles(pattern)]


class Watcher:
    """Follows every file matching a glob, or a folder; new files become new
    runs."""

    def __init__(
        self,
        pattern: str,
        every: float = 0.5,
        timeout: float | None = None,
        storage_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.pattern = pattern
        self.every = every
        self.timeout = timeout
        self.sources = _sources(pattern, storage_options)
        # Outside a notebook, its runs' progress lines (traincurves.terminal).
        self.display = LiveDisplay(self._bundle, every, shown=lambda: self.runs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._version = 0  # bumped when a poll changed anything
        self._runs: tuple[int, list[Run]] = (-1, [])

    @property
    def runs(self) -> list[Run]:
        """One run per file or run folder; per-rank files of one run
        combined into one."""
        # Combining ranks (and diagnosing the result) is redone only after
        # a poll brought something new, not for each look at the runs.
        if self._runs[0] != self._version:
            self._runs = (
                self._version,
                [run for source in self.sources for run in source.runs()],
            )
        return self._runs[1]

    def _bundle(self, update: Update) -> dict:
        from .payload import bundle

        runs = self.runs
        if not runs:
            return {"text/plain": f"traincurves: waiting for runs in {self.pattern!r}"}
        return bundle(runs, update=update)

    def poll(self) -> bool:
        changed = False
        for source in self.sources:
            changed = source.poll() or changed
        if changed:
            self._version += 1
        return changed

    def finished(self) -> bool:
        return any(len(s) for s in self.sources) and all(
            s.ended() for s in self.sources
        )

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
        count = sum(len(s) for s in self.sources)
        return f"<traincurves watch of {self.pattern!r}: {count} runs, {state}>"


def watch(
    pattern: Any,
    *,
    block: bool = False,
    timeout: float | None = None,
    every: float = 0.5,
    storage_options: Mapping[str, Any] | None = None,
) -> Watcher:
    """Show the runs in JSON Lines files matching ``pattern`` (local, or a
    URL such as ``s3://bucket/runs/*.jsonl``), or in a folder (its JSON
    Lines files and its TensorBoard runs), and follow them as they grow,
    until every run has ended, ``timeout`` seconds, or ``.stop()`` (or an
    interrupt when ``block=True``). ``storage_options`` go to fsspec."""
    return Watcher(
        str(pattern), every=every, timeout=timeout, storage_options=storage_options
    ).start(block)
