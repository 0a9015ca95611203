"""TensorBoard event files and logdirs, read without TensorFlow.

Each folder holding event files (``*tfevents*``) is one run, named by its
path under the logdir. Keras' TensorBoard callback writes a run as two
folders, ``train/`` and ``validation/``, with tags ``epoch_loss`` (step =
epoch), ``batch_loss`` (step = global batch) and a duplicate
``evaluation_loss_vs_iterations``: they become one run with ``loss``,
``val_loss`` and batch-level ``loss``. Any other run's tags are metric names
as logged; a tag in a ``validation/`` folder gets the ``val_`` prefix.

Records are read one by one with the tensorboard package's own record reader
(not ``EventAccumulator``, which keeps a reservoir sample of 10,000 points
per tag); scalars come as ``simple_value`` (PyTorch's ``SummaryWriter``,
tensorboardX) or as rank-0 tensors of the scalars plugin (TensorFlow 2 and
Keras). How steps become epochs: see ``steps.py``.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import Any

from ..run import Run
from .base import LoadError, skipped
from .steps import Series, build_run

MARK = "tfevents"  # TensorBoard reads only files with this in their name
TRAIN, VALIDATION = "train", "validation"
# Keras writes these beside the epoch values it duplicates.
_KERAS_DUPLICATE = ("evaluation_", "_vs_iterations")


def require() -> Any:
    """The tensorboard modules this reader uses, or a clear ImportError."""
    try:
        from tensorboard.compat.proto import event_pb2
        from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
        from tensorboard.util import tensor_util
    except ImportError:
        raise ImportError(
            "reading TensorBoard event files needs the tensorboard package "
            "(TensorFlow is not needed): pip install traincurves[tensorboard]"
        ) from None
    return event_pb2, errors, pywrap_tensorflow, tensor_util


def is_event_file(path: Path) -> bool:
    return MARK in path.name and path.is_file()


def _looks_like_records(path: Path) -> bool:
    """A TFRecord file starts with a length and its masked CRC-32C."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
    except OSError:
        return False
    if len(head) < 12:
        return False
    try:
        _, _, pywrap = require()[:3]
    except ImportError:
        return MARK in path.name  # judged by name; read() says what is missing
    (crc,) = struct.unpack("<I", head[8:])
    return pywrap.masked_crc32c(head[:8]) == crc


def event_files(root: Path) -> list[Path]:
    """The event files under ``root``, in the order they were written."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found += [Path(folder) / f for f in sorted(files) if MARK in f]
    return found


def sniff(path: Path) -> bool:
    """An event file, or a logdir: a folder with event files below it and
    no other files beside its run folders (a folder that also holds other
    logs is searched entry by entry instead)."""
    if path.is_file():
        return _looks_like_records(path)
    if not path.is_dir():
        return False
    try:
        top = [e for e in os.scandir(path) if not e.name.startswith(".")]
    except OSError:
        return False
    if any(e.is_file() and MARK not in e.name for e in top):
        return False
    for _, _, files in os.walk(path):
        if any(MARK in f for f in files):
            return True
    return False


def _single(value: float) -> float:
    """A float32 as the shortest decimal that is the same float32: 0.1, not
    0.10000000149011612, as TensorBoard shows it."""
    import numpy as np

    return float(str(np.float32(value)))


def _number(array: Any) -> float:
    if array.dtype.kind == "f" and array.dtype.itemsize <= 4:
        return _single(float(array))
    return float(array)


class EventFile:
    """The records of one event file, read as the file grows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0
        self.truncated = False  # the last read ended inside a record
        self.corrupt: str | None = None  # nothing after this can be read
        self._reader: Any = None
        # tag -> plugin: the plugin is named only in a tag's first value.
        self.plugins: dict[str, str] = {}
        self.left_out: dict[str, set[str]] = {}  # kind -> tags not scalars

    def poll(self) -> list[tuple[str, int, float, float]]:
        """New scalars: (tag, step, value, wall time)."""
        if self.corrupt is not None:
            return []
        event_pb2, errors, pywrap, tensor_util = require()
        if self._reader is None:
            try:
                self._reader = pywrap.PyRecordReader_New(str(self.path))
            except errors.NotFoundError:
                return []  # gone before it could be opened
        found: list[tuple[str, int, float, float]] = []
        while True:
            try:
                self._reader.GetNext()
            except errors.OutOfRangeError:
                self.truncated = False
                break
            except errors.DataLossError as error:
                # A record cut short may still be being written: the reader
                # keeps it and tries again on the next poll. A checksum that
                # fails means the bytes are wrong and there is no resync.
                said = str(error).replace(str(self.path), "")  # names the file
                if "truncated record" in said:
                    self.truncated = True
                else:
                    self.corrupt = f"a corrupt record after record {self.records}"
                break
            try:
                event = event_pb2.Event.FromString(self._reader.record())
            except Exception:  # protobuf's DecodeError and kin
                self.corrupt = f"record {self.records + 1}, which is not an event"
                break
            self.records += 1
            found += self._scalars(event, tensor_util)
        return found

    def _scalars(self, event: Any, tensor_util: Any) -> list[Any]:
        out = []
        for value in event.summary.value:
            tag = value.tag
            plugin = value.metadata.plugin_data.plugin_name
            if plugin:
                self.plugins.setdefault(tag, plugin)
            kind = value.WhichOneof("value")
            if kind == "simple_value":
                out.append(
                    (tag, event.step, _single(value.simple_value), event.wall_time)
                )
                continue
            if kind == "tensor" and self.plugins.get(tag, "scalars") == "scalars":
                try:
                    array = tensor_util.make_ndarray(value.tensor)
                except Exception:  # a dtype the stub cannot decode
                    array = None
                if (
                    array is not None
                    and array.shape == ()
                    and array.dtype.kind in "fiub"
                ):
                    out.append((tag, event.step, _number(array), event.wall_time))
                    continue
            what = {"histo": "histograms", "image": "images", "audio": "audio"}.get(
                kind or "", self.plugins.get(tag) or "non-scalar tensors"
            )
            self.left_out.setdefault(what, set()).add(tag)
        return out

    def notes(self, partial_tail: bool) -> list[str]:
        """What was left out of this file, for the one warning about it."""
        notes = []
        if self.truncated and partial_tail:
            notes.append(
                "an incomplete last record (cut short, or still being written)"
            )
        if self.corrupt:
            notes.append(f"everything from {self.corrupt} on")
        for kind, tags in sorted(self.left_out.items()):
            names = sorted(tags)
            shown = ", ".join(names[:5]) + (
                f" and {len(names) - 5} more" if len(names) > 5 else ""
            )
            notes.append(f"{kind} (not curves): {shown}")
        return notes


class _RunData:
    """The points of one run, from all its event files."""

    def __init__(self, name: str, run_id: str) -> None:
        self.name = name
        self.id = run_id
        self.epochs: Series = {}
        self.batches: Series = {}
        self.keras = False  # laid out by Keras' TensorBoard callback
        self.version = 0

    def add(
        self, role: str | None, tag: str, step: int, value: float, wall: float
    ) -> None:
        metric, table = tag, self.epochs
        if role in (TRAIN, VALIDATION):
            if tag.startswith("epoch_"):
                self.keras = True
                metric = tag[len("epoch_") :]
            elif tag.startswith("batch_") and role == TRAIN:
                self.keras = True
                metric, table = tag[len("batch_") :], self.batches
            elif tag.startswith(_KERAS_DUPLICATE[0]) and tag.endswith(
                _KERAS_DUPLICATE[1]
            ):
                return
            if role == VALIDATION and table is self.epochs:
                metric = "val_" + metric
        table.setdefault(metric, {})[step] = (value, wall)
        self.version += 1

    def run(self, status: str) -> Run:
        return build_run(
            self.name,
            self.epochs,
            run_id=self.id,
            epochs_are_steps=self.keras,
            batches=self.batches if self.keras else None,
            status=status,
        )


class Logdir:
    """Every run under a logdir (or in one event file), read as it grows:
    new events, new event files, new run folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[Path, EventFile] = {}
        self.data: dict[str, _RunData] = {}
        self._where: dict[Path, tuple[str, str | None]] = {}  # file -> run, role
        self._built: dict[str, tuple[int, Run]] = {}

    def _place(self, path: Path) -> tuple[str, str | None]:
        folder = path.parent
        role = folder.name if folder.name in (TRAIN, VALIDATION) else None
        if role is not None and folder != self.root:
            folder = folder.parent
        if self.root.is_file() or folder == self.root:
            return folder.resolve().name or str(folder), role
        return folder.relative_to(self.root).as_posix(), role

    def poll(self) -> bool:
        """Read what is new; True when any scalar arrived."""
        paths = [self.root] if self.root.is_file() else event_files(self.root)
        for path in paths:
            if path not in self.files:
                self.files[path] = EventFile(path)
                self._where[path] = self._place(path)
        changed = False
        for path, events in self.files.items():
            key, role = self._where[path]
            points = events.poll()
            if not points:
                continue
            data = self.data.get(key)
            if data is None:
                digest = hashlib.sha1(f"{self.root}\0{key}".encode()).hexdigest()
                data = self.data[key] = _RunData(key, digest[:12])
            for tag, step, value, wall in points:
                data.add(role, tag, step, value, wall)
            changed = True
        return changed

    def runs(self, status: str = "finished") -> list[Run]:
        """The runs read so far (those with at least one scalar)."""
        out = []
        for key in sorted(self.data):
            data = self.data[key]
            cached = self._built.get(key)
            if (
                cached is None
                or cached[0] != data.version
                or cached[1].status != status
            ):
                cached = self._built[key] = (data.version, data.run(status))
            out.append(cached[1])
        return out


def read(path: Path) -> list[Run]:
    require()
    if path.is_dir() and not event_files(path):
        raise LoadError(
            path, "holds no TensorBoard event files (files named *tfevents*)"
        )
    logdir = Logdir(path)
    logdir.poll()
    runs = logdir.runs()
    if not runs:
        files = logdir.files
        if len(files) == 1:
            ((only, events),) = files.items()
            said = "; ".join(events.notes(True)) or "it holds no scalars"
            raise LoadError(only, f"no scalars could be read: {said}")
        problems = [
            f"{p.relative_to(path) if path.is_dir() else p.name}: "
            f"{'; '.join(f.notes(True)) or 'no scalars'}"
            for p, f in files.items()
        ]
        raise LoadError(
            path,
            f"no scalars could be read from its {len(files)} event files ("
            + "; ".join(problems)
            + ")",
        )
    for file_path, events in logdir.files.items():
        notes = events.notes(partial_tail=True)
        if events.records == 0 and not notes:
            notes = ["everything: it holds no records"]
        skipped(file_path, notes)
    return runs
