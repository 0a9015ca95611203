"""MLflow stores, laid out as MLflow writes them, read without MLflow."""

import math
import sqlite3
from pathlib import Path

import pytest
from torch.utils.tensorboard import SummaryWriter

import traincurves as tc
from traincurves.readers import mlflow
from traincurves.readers.base import LoadError, LoadWarning

START = 1_700_000_000_000  # ms, as MLflow stores times


def run_meta(run_id, name, experiment_id, status=3, stage="active"):
    # The keys MLflow's file store dumps for a RunInfo, status as its enum.
    return (
        f"artifact_uri: file:///tmp/mlruns/{experiment_id}/{run_id}/artifacts\n"
        f"end_time: {START + 60_000}\n"
        "entry_point_name: ''\n"
        f"experiment_id: '{experiment_id}'\n"
        f"lifecycle_stage: {stage}\n"
        f"run_id: {run_id}\n"
        f"run_name: {name}\n"
        f"run_uuid: {run_id}\n"
        "source_name: ''\n"
        "source_type: 4\n"
        "source_version: ''\n"
        f"start_time: {START}\n"
        f"status: {status}\n"
        "tags: []\n"
        "user_id: someone\n"
    )


def file_run(root, experiment_id, run_id, name, metrics, params, **meta):
    folder = root / experiment_id / run_id
    for sub in ("metrics", "params", "tags", "artifacts"):
        (folder / sub).mkdir(parents=True)
    (folder / "meta.yaml").write_text(run_meta(run_id, name, experiment_id, **meta))
    (folder / "tags" / "mlflow.runName").write_text(name)
    (folder / "tags" / "mlflow.user").write_text("someone")
    for key, lines in metrics.items():
        path = folder / "metrics" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{line}\n" for line in lines))
    for key, value in params.items():
        (folder / "params" / key).write_text(value)
    return folder


def experiment(root, experiment_id, name, stage="active"):
    folder = root / experiment_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "meta.yaml").write_text(
        f"artifact_location: file:///tmp/mlruns/{experiment_id}\n"
        f"creation_time: {START}\n"
        f"experiment_id: '{experiment_id}'\n"
        f"last_update_time: {START}\n"
        f"lifecycle_stage: {stage}\n"
        f"name: {name}\n"
    )


@pytest.fixture
def mlruns(tmp_path):
    root = tmp_path / "mlruns"
    experiment(root, "0", "Default")
    lines = [f"{START + 1000 * e} {1 / (e + 1)} {e}" for e in range(4)]
    file_run(
        root,
        "0",
        "a" * 32,
        "bold-fox-42",
        {
            "loss": lines,
            "val_loss": [f"{START + 1000 * e} {2 / (e + 1)} {e}" for e in range(4)],
            "train/acc": [f"{START} 0.5 0", f"{START + 3000} nan 3"],
        },
        {"lr": "0.001", "batch_size": "32", "optimizer": "adam"},
    )
    file_run(
        root,
        "0",
        "b" * 32,
        "gone",
        {"loss": lines},
        {},
        stage="deleted",
    )
    (root / ".trash").mkdir()
    (root / "models").mkdir()  # the model registry's folder, no runs
    return root


def test_file_store(mlruns):
    assert mlflow.sniff(mlruns)
    (run,) = mlflow.read(mlruns)  # the deleted run is left out
    assert run.name == "bold-fox-42" and run.status == "finished"
    assert run.params == {"lr": 0.001, "batch_size": 32, "optimizer": "adam"}
    assert run.epochs == [0, 1, 2, 3]
    assert run["loss"] == [1.0, 0.5, 1 / 3, 0.25]
    assert run["val_loss"][1] == 1.0
    acc = run["train/acc"]  # a nested key
    assert acc[0] == 0.5 and acc[1] is None and math.isnan(acc[3])
    assert run.times == [0.0, 1.0, 2.0, 3.0]
    assert run.started == START / 1000


def test_an_experiment_or_a_run_folder_alone(mlruns):
    assert [r.name for r in mlflow.read(mlruns / "0")] == ["bold-fox-42"]
    (run,) = mlflow.read(mlruns / "0" / ("a" * 32))
    assert run.name == "bold-fox-42"
    assert mlflow.sniff(mlruns / "0" / ("a" * 32))


def test_runs_of_several_experiments_are_told_apart(mlruns):
    experiment(mlruns, "7", "sweep")
    for i, status in ((1, 1), (2, 4)):
        file_run(
            mlruns,
            "7",
            f"{i}" * 32,
            "bold-fox-42",
            {"loss": [f"{START} {i} 0"]},
            {"lr": f"{i}e-3"},
            status=status,
        )
    runs = mlflow.read(mlruns)
    assert [r.name for r in runs] == [
        "Default/bold-fox-42",
        "sweep/bold-fox-42",
        "sweep/bold-fox-42",
    ]
    assert [r.status for r in runs[1:]] == ["running", "failed"]
    assert runs[2].params == {"lr": 0.002}


def test_a_malformed_metric_line_is_skipped_and_said(mlruns):
    path = mlruns / "0" / ("a" * 32) / "metrics" / "loss"
    path.write_text(path.read_text() + "garbage\n" + f"{START + 9000} 0.1 4\n")
    with pytest.warns(LoadWarning, match=r"metrics/loss, line 5: 'garbage'"):
        (run,) = mlflow.read(mlruns)
    assert run["loss"][-1] == 0.1  # the lines after it are read


def test_a_folder_with_no_runs_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    assert not mlflow.sniff(tmp_path / "empty")
    with pytest.raises(LoadError, match="empty: holds no MLflow runs"):
        mlflow.read(tmp_path / "empty")


SCHEMA = """
CREATE TABLE experiments (
    experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL,
    artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32),
    creation_time BIGINT, last_update_time BIGINT,
    CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name));
CREATE TABLE runs (
    run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20),
    source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256),
    status VARCHAR(9), start_time BIGINT, end_time BIGINT, deleted_time BIGINT,
    source_version VARCHAR(50), lifecycle_stage VARCHAR(20),
    artifact_uri VARCHAR(200), experiment_id INTEGER,
    CONSTRAINT run_pk PRIMARY KEY (run_uuid),
    FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE metrics (
    key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL,
    run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL,
    is_nan BOOLEAN DEFAULT '0' NOT NULL,
    CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
CREATE TABLE latest_metrics (
    key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT,
    step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL, run_uuid VARCHAR(32) NOT NULL,
    CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE params (
    key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL,
    run_uuid VARCHAR(32) NOT NULL, CONSTRAINT param_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE tags (
    key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL,
    CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);
"""


def sql_metric(db, run_uuid, key, value, step, at):
    # As MLflow's SQL store writes a value: NaN as 0 + is_nan, inf as ±max.
    is_nan = math.isnan(value)
    if is_nan:
        value = 0.0
    elif math.isinf(value):
        value = math.copysign(1.7976931348623157e308, value)
    db.execute(
        "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key, value, at, run_uuid, step, is_nan),
    )


@pytest.fixture
def sqlite_store(tmp_path):
    path = tmp_path / "mlflow.db"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.execute(
        "INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0',"
        " 'active', ?, ?)",
        (START, START),
    )
    runs = [
        ("c" * 32, "calm-owl-7", "FINISHED", START, "active"),
        ("d" * 32, "dead", "FINISHED", START + 1, "deleted"),
        ("e" * 32, "eager-ant-3", "KILLED", START + 2, "active"),
    ]
    for uuid, name, status, start, stage in runs:
        db.execute(
            "INSERT INTO runs (run_uuid, name, source_type, status, start_time,"
            " end_time, lifecycle_stage, experiment_id) VALUES (?, ?, 'LOCAL', ?,"
            " ?, ?, ?, 0)",
            (uuid, name, status, start, start + 5000, stage),
        )
        db.execute("INSERT INTO tags VALUES ('mlflow.runName', ?, ?)", (name, uuid))
    values = [0.9, 0.5, float("nan"), float("inf"), 0.2]
    for step, value in enumerate(values):
        sql_metric(db, "c" * 32, "loss", value, step, START + 1000 * step)
    sql_metric(db, "c" * 32, "loss", 0.15, 4, START + 9000)  # step 4 again
    sql_metric(db, "e" * 32, "loss", 1.0, 0, START + 2)
    db.execute("INSERT INTO params VALUES ('lr', '0.01', ?)", ("c" * 32,))
    db.execute("INSERT INTO params VALUES ('model', 'resnet18', ?)", ("c" * 32,))
    db.commit()
    db.close()
    return path


def test_sqlite_store(sqlite_store):
    assert mlflow.sniff(sqlite_store)
    first, killed = mlflow.read(sqlite_store)
    assert first.name == "calm-owl-7" and first.status == "finished"
    assert first.params == {"lr": 0.01, "model": "resnet18"}
    loss = first["loss"]
    assert loss[:2] == [0.9, 0.5] and math.isnan(loss[2]) and loss[3] == math.inf
    assert loss[4] == 0.15  # the later value of a step logged twice
    assert first.times[:2] == [0.0, 1.0]
    assert killed.name == "eager-ant-3" and killed.status == "interrupted"


def test_sqlite_uri(tmp_path):
    assert mlflow.store_path("sqlite:///mlflow.db") == Path("mlflow.db")
    assert mlflow.store_path("sqlite:////data/ml/mlflow.db") == Path(
        "/data/ml/mlflow.db"
    )
    assert mlflow.store_path("runs/a.jsonl") is None


def test_other_sqlite_files_are_not_stores(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE things (x)")
    db.commit()
    db.close()
    assert not mlflow.sniff(path)
    with pytest.raises(LoadError, match=r"other\.db: is not an MLflow SQLite store"):
        mlflow.read(path)


def test_tc_load_reads_stores(mlruns, sqlite_store):
    assert tc.load(mlruns).name == "bold-fox-42"
    runs = tc.load_all(f"sqlite:///{sqlite_store}")  # an absolute path: ////
    assert [r.name for r in runs] == ["calm-owl-7", "eager-ant-3"]


def test_event_files_among_artifacts_do_not_make_it_a_logdir(mlruns):
    writer = SummaryWriter(str(mlruns / "0" / ("a" * 32) / "artifacts" / "tb"))
    writer.add_scalar("other", 1.0, 0)
    writer.close()
    (run,) = tc.load_all(mlruns)
    assert run.name == "bold-fox-42" and "other" not in run.epoch_table.values
