"""Logs in object storage (``s3://``, ``gs://``, … anything fsspec reaches).

A cluster job writes its history to a bucket; a notebook reads it with
``tc.load("s3://bucket/runs/a.jsonl")`` or follows it with
``tc.watch("s3://bucket/runs/*.jsonl")``. This is an optional extra
(``pip install traincurves[s3]``: fsspec and s3fs). Credentials and the
endpoint come from where fsspec and boto look for them (``AWS_*``
variables, ``~/.aws``, fsspec's config such as ``FSSPEC_S3_ENDPOINT_URL``),
or from ``storage_options``.

Reading goes through :func:`localize`, which copies a file or a folder (a
TensorBoard logdir, an ``mlruns`` store) to a local cache, so every reader
works on remote logs unchanged. Following reads only what was appended
(:class:`RemoteFile`): object stores rewrite an object whole, so a grown
object is assumed to keep its start, and one that shrank is read again.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_LOCAL = {"file", "local", "sqlite"}  # sqlite:/// is an MLflow store
_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs"}
_PACKAGES |= {"az": "adlfs", "abfs": "adlfs", "abfss": "adlfs"}


def is_remote(path: Any) -> bool:
    """Whether ``path`` is a URL for fsspec rather than a local path."""
    if not isinstance(path, str):
        return False
    found = _URL.match(path)
    return found is not None and found.group(1).lower() not in _LOCAL


def filesystem(url: str, storage_options: Mapping[str, Any] | None = None) -> Any:
    """``(filesystem, path within it)`` for ``url``, or an ImportError that
    says what to install."""
    found = _URL.match(url)
    protocol = found.group(1).lower() if found else "file"
    package = _PACKAGES.get(protocol)
    extra = "traincurves[s3]" if package == "s3fs" else f"fsspec {package or ''}"
    try:
        import fsspec
    except ImportError:
        raise ImportError(
            f"reading {url} needs fsspec{' and ' + package if package else ''}: "
            f"pip install {extra.strip()}"
        ) from None
    try:
        return fsspec.core.url_to_fs(url, **dict(storage_options or {}))
    except ImportError:
        raise ImportError(
            f"reading {url} needs {package or 'the fsspec backend for ' + protocol}"
            f": pip install {extra.strip()}"
        ) from None
    except ValueError as error:  # a protocol fsspec does not know
        raise ValueError(f"cannot read {url}: {error}") from None


def _url(fs: Any, path: str) -> str:
    return fs.unstrip_protocol(path)


def glob(pattern: str, storage_options: Mapping[str, Any] | None = None) -> list[str]:
    """The files matching ``pattern`` now (the listing is not cached)."""
    fs, path = filesystem(pattern, storage_options)
    fs.invalidate_cache()
    return sorted(_url(fs, p) for p in fs.glob(path) if fs.isfile(p))


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "traincurves-remote"


def localize(
    url: str,
    storage_options: Mapping[str, Any] | None = None,
    cache: str | Path | None = None,
) -> Path:
    """A local copy of the file or folder at ``url``, fetched now.

    It keeps the remote name (readers that look at it see the same), under
    a cache folder per URL that is replaced on every call: a log read again
    is read as it is now, with no stale files from an earlier copy.
    """
    fs, path = filesystem(url, storage_options)
    fs.invalidate_cache()
    digest = hashlib.sha1(url.encode()).hexdigest()[:16]
    home = Path(cache) if cache is not None else cache_root()
    folder = home / digest
    name = PurePosixPath(path.rstrip("/")).name or "root"
    target = folder / name
    if not fs.exists(path):
        raise FileNotFoundError(f"{url} does not exist")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if fs.isdir(path):
        root = path.rstrip("/")
        files = [p for p in fs.find(root) if fs.isfile(p)]
        if not files:
            raise FileNotFoundError(f"{url} is an empty folder")
        for remote in files:
            local = target / PurePosixPath(remote).relative_to(root)
            local.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(remote, str(local))
    else:
        fs.get_file(path, str(target))
    return target


class RemoteFile:
    """One remote object, read from an offset as it grows (for tc.watch)."""

    def __init__(self, url: str, storage_options: Mapping[str, Any] | None = None):
        self.url = url
        self.fs, self.path = filesystem(url, storage_options)

    def stat(self) -> tuple[Any, int] | None:
        """``(identity, size)``, None when the object is gone. Objects are
        replaced whole on every write, so the identity is the name."""
        self.fs.invalidate_cache(self.path)
        try:
            info = self.fs.info(self.path)
        except FileNotFoundError:
            return None
        return self.url, int(info["size"])

    def read(self, offset: int) -> bytes:
        return self.fs.cat_file(self.path, start=offset)
