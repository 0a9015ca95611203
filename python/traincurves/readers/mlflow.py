"""MLflow tracking stores, read without MLflow installed.

Two layouts, as MLflow writes them:

- the file store (``mlruns/``)::

      mlruns/<experiment id>/meta.yaml              name, lifecycle_stage
      mlruns/<experiment id>/<run id>/meta.yaml     run_name, status (int),
                                                    start_time, end_time (ms)
      .../<run id>/metrics/<key>                    "timestamp value step" lines
      .../<run id>/params/<key>                     the value, as text
      .../<run id>/tags/mlflow.runName              the run's name

  keys with a ``/`` are nested folders. Reading starts at ``mlruns/``, at an
  experiment folder or at one run folder.
- the SQL store (``sqlite:///mlflow.db``, MLflow's default now): tables
  ``experiments``, ``runs`` (run_uuid, name, status text, start/end time,
  lifecycle_stage), ``metrics`` (key, value, timestamp, step, is_nan),
  ``params`` and ``tags`` (key, value, run_uuid). NaN is stored as 0 with
  ``is_nan``, infinities as the largest double: both read back as logged.

Each active run becomes a Run: metric histories become curves (how steps
become epochs: ``steps.py``), params become params (numbers as numbers),
MLflow's status its status. Deleted runs and experiments are left out, as
MLflow's UI leaves them out.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from urllib.request import pathname2url

from ..run import Run
from .base import LoadError, skipped
from .steps import Series, build_run

SQLITE_HEADER = b"SQLite format 3\x00"
# MLflow's RunStatus: numbers in the file store, names in the SQL store.
_STATUS = {
    1: "running",
    2: "running",  # scheduled
    3: "finished",
    4: "failed",
    5: "interrupted",  # killed
    "RUNNING": "running",
    "SCHEDULED": "running",
    "FINISHED": "finished",
    "FAILED": "failed",
    "KILLED": "interrupted",
}
_HUGE = sys.float_info.max  # how MLflow's SQL store writes an infinity


def store_path(uri: str) -> Path | None:
    """``sqlite:///mlflow.db`` (relative) or ``sqlite:////abs/mlflow.db`` as a
    path; None for anything else."""
    if not uri.startswith("sqlite:///"):
        return None
    return Path(unquote(urlparse(uri).path[1:]))


# -- sniffing ---------------------------------------------------------------


def _is_run_folder(path: Path) -> bool:
    return (path / "meta.yaml").is_file() and (path / "metrics").is_dir()


def _is_experiment_folder(path: Path) -> bool:
    if not (path / "meta.yaml").is_file():
        return False
    return any(_is_run_folder(child) for child in _folders(path))


def _folders(path: Path) -> list[Path]:
    try:
        return sorted(p for p in path.iterdir() if p.is_dir())
    except OSError:
        return []


def _is_sqlite_store(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                return False
    except OSError:
        return False
    try:
        with _connect(path) as db:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error:
        return False
    return {"runs", "metrics", "params"} <= tables


def sniff(path: Path) -> bool:
    if path.is_file():
        return _is_sqlite_store(path)
    if not path.is_dir():
        return False
    return (
        _is_run_folder(path)
        or _is_experiment_folder(path)
        or any(_is_experiment_folder(child) for child in _folders(path))
    )


# -- reading ----------------------------------------------------------------


def _meta(path: Path) -> dict[str, str]:
    """meta.yaml's top-level ``key: value`` pairs (MLflow writes flat YAML)."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #-" or ":" not in line:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            quote = value[0]
            value = value[1:-1]
            value = value.replace("''", "'") if quote == "'" else value
        out[key.strip()] = value
    return out


def _number(text: str) -> Any:
    """MLflow keeps params as text; numbers are read back as numbers so that
    runs can be coloured and sorted by them."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _files(folder: Path) -> dict[str, Path]:
    """key -> file, keys with ``/`` being nested folders."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _status(value: Any) -> str:
    try:
        value = int(value)
    except (TypeError, ValueError):
        pass
    return _STATUS.get(value, "finished")


def _read_file_run(folder: Path, experiment: str) -> dict[str, Any] | None:
    meta = _meta(folder / "meta.yaml")
    if meta.get("lifecycle_stage") == "deleted":
        return None
    run_id = meta.get("run_id") or meta.get("run_uuid") or folder.name
    tags = {
        k: p.read_text(encoding="utf-8") for k, p in _files(folder / "tags").items()
    }
    name = tags.get("mlflow.runName") or meta.get("run_name") or run_id[:8]
    params = {
        k: _number(p.read_text(encoding="utf-8").strip())
        for k, p in _files(folder / "params").items()
    }
    series: Series = {}
    bad: list[str] = []
    for key, path in _files(folder / "metrics").items():
        points = series.setdefault(key, {})
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                parts = line.split()
                try:
                    if len(parts) not in (2, 3):
                        raise ValueError
                    when, value = int(parts[0]) / 1000, float(parts[1])
                    step = int(parts[2]) if len(parts) == 3 else 0
                except ValueError:
                    bad.append(f"metrics/{key}, line {number}: {line.strip()!r}")
                    continue
                points[step] = (value, when)
    if bad:
        shown = "; ".join(bad[:3]) + (
            f"; and {len(bad) - 3} more" if len(bad) > 3 else ""
        )
        skipped(
            folder,
            [f"{len(bad)} metric lines that are not 'timestamp value step' ({shown})"],
        )
    return {
        "name": name,
        "experiment": experiment,
        "params": params,
        "series": series,
        "id": run_id,
        "started": _ms(meta.get("start_time")),
        "status": _status(meta.get("status")),
    }


def _ms(value: Any) -> float | None:
    try:
        return int(value) / 1000
    except (TypeError, ValueError):
        return None


def _file_store(path: Path) -> list[dict[str, Any]]:
    if _is_run_folder(path):
        experiments = [(path.parent, [path])]
    elif _is_experiment_folder(path):
        experiments = [(path, _folders(path))]
    else:
        experiments = [
            (child, _folders(child))
            for child in _folders(path)
            if not child.name.startswith(".") and (child / "meta.yaml").is_file()
        ]
    found = []
    for folder, runs in experiments:
        meta = _meta(folder / "meta.yaml") if (folder / "meta.yaml").is_file() else {}
        if meta.get("lifecycle_stage") == "deleted":
            continue
        name = meta.get("name") or folder.name
        for run_folder in runs:
            if _is_run_folder(run_folder):
                info = _read_file_run(run_folder, name)
                if info is not None:
                    found.append(info)
    return found


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only: a training process may be writing the store meanwhile.
    return sqlite3.connect(
        f"file:{pathname2url(str(path.resolve()))}?mode=ro", uri=True
    )


def _sql_store(path: Path) -> list[dict[str, Any]]:
    with _connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        experiments: dict[Any, str] = {}
        if "experiments" in tables:
            experiments = {
                eid: name
                for eid, name, stage in db.execute(
                    "SELECT experiment_id, name, lifecycle_stage FROM experiments"
                )
                if stage != "deleted"
            }
        runs = db.execute(
            "SELECT run_uuid, name, status, start_time, experiment_id, lifecycle_stage"
            " FROM runs ORDER BY start_time, run_uuid"
        ).fetchall()
        tags: dict[str, str] = {}
        if "tags" in tables:
            tags = dict(
                db.execute(
                    "SELECT run_uuid, value FROM tags WHERE key = 'mlflow.runName'"
                ).fetchall()
            )
        params: dict[str, dict[str, Any]] = {}
        for key, value, run_uuid in db.execute(
            "SELECT key, value, run_uuid FROM params ORDER BY key"
        ):
            params.setdefault(run_uuid, {})[key] = _number(value)
        series: dict[str, Series] = {}
        for run_uuid, key, value, when, step, is_nan in db.execute(
            "SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics"
            " ORDER BY timestamp"
        ):
            if is_nan:
                value = float("nan")
            elif abs(value) == _HUGE:
                value = float("inf") if value > 0 else float("-inf")
            points = series.setdefault(run_uuid, {}).setdefault(key, {})
            points[int(step or 0)] = (float(value), _ms(when))
    found = []
    for run_uuid, name, status, start, eid, stage in runs:
        if stage == "deleted" or (experiments and eid not in experiments):
            continue
        found.append(
            {
                "name": tags.get(run_uuid) or name or run_uuid[:8],
                "experiment": experiments.get(eid, str(eid)),
                "params": params.get(run_uuid, {}),
                "series": series.get(run_uuid, {}),
                "id": run_uuid,
                "started": _ms(start),
                "status": _status(status),
            }
        )
    return found


def read(path: Path) -> list[Run]:
    if path.is_file():
        if not _is_sqlite_store(path):
            raise LoadError(
                path, "is not an MLflow SQLite store (no runs and metrics tables)"
            )
        try:
            found = _sql_store(path)
        except sqlite3.Error as error:
            raise LoadError(
                path, f"cannot be read as an MLflow store ({error})"
            ) from None
    elif path.is_dir():
        found = _file_store(path)
    else:
        raise LoadError(path, "does not exist")
    if not found:
        raise LoadError(path, "holds no MLflow runs")
    # Run names repeat across experiments (MLflow names them at random):
    # the experiment tells them apart when there are several.
    several = len({info["experiment"] for info in found}) > 1
    runs = []
    for info in found:
        name = f"{info['experiment']}/{info['name']}" if several else info["name"]
        runs.append(
            build_run(
                name,
                info["series"],
                run_id=str(info["id"])[:32],
                params=info["params"],
                started=info["started"],
                status=info["status"],
            )
        )
    return runs
