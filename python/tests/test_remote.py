"""Logs in object storage, against a local S3 server (moto) on 127.0.0.1."""

import json
import os
import re
import subprocess
import sys
import time

import pytest
import s3fs
from torch.utils.tensorboard import SummaryWriter

import traincurves as tc
from traincurves import remote
from traincurves.files import load
from traincurves.payload import MIME_TYPE
from traincurves.readers import tensorboard as tb


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on a free loopback port, and the environment a
    notebook user would set to reach it (no other endpoint, no real keys)."""
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with open(log, "wb") as out:
        # Port 0: the server binds a free port and prints it; its output
        # goes to a file, so that its request log never fills a pipe.
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not (
            found := re.search(
                rb"Running on http://127\.0\.0\.1:(\d+)", log.read_bytes()
            )
        ):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "moto did not start"
            time.sleep(0.05)
        endpoint = f"http://127.0.0.1:{int(found[1])}"
        with pytest.MonkeyPatch.context() as env:
            env.setenv("AWS_ENDPOINT_URL_S3", endpoint)
            env.setenv("AWS_ACCESS_KEY_ID", "testing")
            env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            env.setenv("AWS_DEFAULT_REGION", "us-east-1")
            env.setenv("AWS_EC2_METADATA_DISABLED", "true")
            missing = str(log.parent / "none")
            env.setenv("AWS_CONFIG_FILE", missing)
            env.setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
            env.delenv("AWS_SESSION_TOKEN", raising=False)
            env.delenv("AWS_PROFILE", raising=False)
            s3fs.S3FileSystem.clear_instance_cache()
            fs = s3fs.S3FileSystem()
            fs.mkdir("bucket")
            yield fs
            s3fs.S3FileSystem.clear_instance_cache()
    finally:
        server.terminate()
        server.wait(timeout=30)


def records(name, epochs, end=None):
    lines = [{"type": "start", "version": 1, "run": name, "id": name}]
    lines += [
        {"type": "epoch", "epoch": e, "metrics": {"loss": 1 / (e + 1)}}
        for e in range(epochs)
    ]
    if end:
        lines.append({"type": "end", "status": end})
    return "".join(json.dumps(r) + "\n" for r in lines)


def test_is_remote():
    assert remote.is_remote("s3://bucket/a.jsonl")
    assert remote.is_remote("gs://bucket/logs/")
    assert not remote.is_remote("runs/a.jsonl")
    assert not remote.is_remote("sqlite:///mlflow.db")  # an MLflow store
    assert not remote.is_remote("file:///tmp/a.jsonl")


def test_localize_a_file_and_read_it(s3, tmp_path):
    s3.pipe("bucket/runs/baseline.jsonl", records("baseline", 3, "finished").encode())
    local = remote.localize("s3://bucket/runs/baseline.jsonl", cache=tmp_path)
    assert local.name == "baseline.jsonl"
    run = load(local)
    assert run.name == "baseline" and run.epochs == [0, 1, 2]
    assert run.status == "finished"
    # Fetched again on every call: the copy is what the bucket holds now.
    s3.pipe("bucket/runs/baseline.jsonl", records("baseline", 5, "finished").encode())
    assert load(
        remote.localize("s3://bucket/runs/baseline.jsonl", cache=tmp_path)
    ).epochs == list(range(5))


def test_tc_load_reads_a_url(s3):
    s3.pipe("bucket/runs/remote.jsonl", records("remote", 2, "finished").encode())
    run = tc.load("s3://bucket/runs/remote.jsonl")
    assert (run.name, run.epochs, run.status) == ("remote", [0, 1], "finished")


def test_localize_a_tensorboard_logdir(s3, tmp_path):
    for name in ("sgd", "adam"):
        writer = SummaryWriter(str(tmp_path / "logs" / name))
        for e in range(3):
            writer.add_scalar("loss", 1.0 / (e + 1), e)
        writer.close()
    s3.put(str(tmp_path / "logs"), "bucket/logs", recursive=True)
    local = remote.localize("s3://bucket/logs/", cache=tmp_path / "cache")
    assert local.name == "logs" and tb.sniff(local)
    runs = tb.read(local)
    assert [r.name for r in runs] == ["adam", "sgd"]
    assert runs[0]["loss"] == [1.0, 0.5, 0.33333334]


def test_a_missing_object_names_the_url(s3, tmp_path):
    with pytest.raises(
        FileNotFoundError, match=r"s3://bucket/nothing\.jsonl does not exist"
    ):
        remote.localize("s3://bucket/nothing.jsonl", cache=tmp_path)


def test_watch_follows_jsonl_runs_in_a_bucket(s3, shell):
    s3.pipe("bucket/live/a.jsonl", records("a", 1).encode())
    watcher = tc.watch("s3://bucket/live/*.jsonl", every=0.05, timeout=60)
    try:
        # A job rewrites its object as it grows (object stores have no
        # append), once with its last record still half written.
        text = records("a", 6)
        s3.pipe("bucket/live/a.jsonl", text[: len(text) - 10].encode())
        s3.pipe("bucket/live/a.jsonl", text.encode())
        s3.pipe("bucket/live/b.jsonl", records("b", 2).encode())  # a new job
        s3.pipe("bucket/live/a.jsonl", records("a", 10, "finished").encode())
        s3.pipe("bucket/live/b.jsonl", records("b", 4, "stopped_early").encode())
        watcher._thread.join(timeout=60)
    finally:
        watcher.stop()
    a, b = watcher.runs
    assert (a.name, a.epochs, a.status) == ("a", list(range(10)), "finished")
    assert a["loss"] == [1 / (e + 1) for e in range(10)]  # each record once
    assert (b.name, b.epochs, b.status) == ("b", [0, 1, 2, 3], "stopped_early")
    final = shell.messages[-1]["data"][MIME_TYPE]["runs"]
    assert [r["status"] for r in final] == ["finished", "stopped_early"]


def test_missing_s3fs_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['s3fs'] = None\n"
        "from traincurves import remote\n"
        "try:\n"
        "    remote.localize('s3://bucket/a.jsonl')\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "reading s3://bucket/a.jsonl needs s3fs: pip install traincurves[s3]" in out
