"""tc.watch follows JSON Lines files while another process writes them."""

import json
import subprocess
import sys
import textwrap

import pytest

import traincurves as tc
from traincurves.payload import MIME_TYPE
from traincurves.watch import FileFollower

WRITER = textwrap.dedent(
    """
    import json, sys, time
    path, epochs = sys.argv[1], int(sys.argv[2])
    def put(text):
        with open(path, "a") as f:
            f.write(text)
            f.flush()
    put(json.dumps({"type": "start", "version": 1, "run": "remote", "id": "r1"}) + "\\n")
    for e in range(epochs):
        line = json.dumps({"type": "epoch", "epoch": e, "metrics": {"loss": 1 / (e + 1)}})
        half = len(line) // 2
        put(line[:half])           # a reader polling now sees half a record
        time.sleep(0.03)
        put(line[half:] + "\\n")
        if e == 3:
            put("{corrupt\\n")
        time.sleep(0.02)
    put(json.dumps({"type": "end", "status": "finished"}) + "\\n")
    """
)


def test_watch_follows_a_writer_process(tmp_path, shell):
    path = tmp_path / "remote.jsonl"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "30"])
    try:
        with pytest.warns(RuntimeWarning, match=r"remote.jsonl, line 6: skipped"):
            watcher = tc.watch(
                str(tmp_path / "*.jsonl"), block=True, timeout=30, every=0.05
            )
    finally:
        writer.wait(timeout=30)
    runs = watcher.runs
    assert [r.name for r in runs] == ["remote"]
    assert runs[0].epochs == list(range(30))  # each record once, in order
    assert runs[0]["loss"] == [1 / (e + 1) for e in range(30)]
    assert runs[0].status == "finished"
    updates = [m for m in shell.messages if m["update"]]
    assert len(updates) >= 3  # it grew while the writer ran
    final = shell.messages[-1]["data"][MIME_TYPE]["runs"][0]
    assert final["status"] == "finished" and len(final["epochs"]) == 30


def test_new_files_become_new_runs_in_the_background(tmp_path, shell):
    first = tmp_path / "a.jsonl"
    record = {"type": "start", "version": 1, "run": "a", "id": "a"}
    first.write_text(json.dumps(record) + "\n")
    watcher = tc.watch(tmp_path / "*.jsonl", timeout=10, every=0.05)
    (tmp_path / "b.jsonl").write_text(
        json.dumps({**record, "run": "b", "id": "b"}) + "\n"
    )
    for name in ("a", "b"):
        with open(tmp_path / f"{name}.jsonl", "a") as f:
            f.write(json.dumps({"type": "end", "status": "finished"}) + "\n")
    watcher._thread.join(timeout=10)
    assert sorted(r.name for r in watcher.runs) == ["a", "b"]
    assert "2 runs" in repr(watcher)


def test_truncated_rotated_and_deleted_files(tmp_path):
    path = tmp_path / "r.jsonl"
    start = json.dumps({"type": "start", "version": 1, "run": "r", "id": "r"}) + "\n"

    def epoch(e):
        return json.dumps({"type": "epoch", "epoch": e, "metrics": {"loss": e}}) + "\n"

    path.write_text(start + epoch(0) + epoch(1))
    follower = FileFollower(path)
    assert follower.poll() and follower.run.epochs == [0, 1]
    path.write_text(start + epoch(5))  # truncated and rewritten
    with pytest.warns(RuntimeWarning, match="truncated or replaced"):
        assert follower.poll()
    assert follower.run.epochs == [5]
    path.unlink()
    with pytest.warns(RuntimeWarning, match="deleted; keeping the 1 epochs"):
        assert not follower.poll()
    assert follower.run.epochs == [5]


def test_per_rank_files_show_as_one_run_with_a_band(tmp_path, shell):
    for rank, offset in ((0, 0.0), (1, 0.2)):
        path = tmp_path / f"ddp.rank{rank}.jsonl"
        lines = [{"type": "start", "version": 1, "run": "ddp", "id": f"ddp{rank}"}]
        lines += [
            {"type": "epoch", "epoch": e, "metrics": {"loss": 1.0 / (e + 1) + offset}}
            for e in range(3)
        ]
        lines.append({"type": "end", "status": "finished"})
        path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    watcher = tc.watch(tmp_path / "*.jsonl", block=True, timeout=5, every=0.05)
    (run,) = watcher.runs
    assert run.name == "ddp" and run.status == "finished"
    assert run["loss"] == pytest.approx([1.1, 0.6, 1 / 3 + 0.1])
    shown = shell.messages[-1]["data"][MIME_TYPE]["runs"]
    assert len(shown) == 1
    assert shown[0]["bands"]["loss"]["low"] == pytest.approx(
        [1.0, 0.5, 1 / 3], rel=1e-6
    )
    assert shown[0]["bands"]["loss"]["high"] == pytest.approx(
        [1.2, 0.7, 1 / 3 + 0.2], rel=1e-6
    )


def test_a_rotated_file_is_read_from_the_start(tmp_path):
    path = tmp_path / "r.jsonl"
    start = json.dumps({"type": "start", "version": 1, "run": "r", "id": "r"}) + "\n"
    first = json.dumps({"type": "epoch", "epoch": 0, "metrics": {"loss": 1.0}}) + "\n"
    path.write_text(start + first + first)
    follower = FileFollower(path)
    assert follower.poll()
    path.rename(tmp_path / "r.jsonl.1")  # log rotation: a new file, same name
    again = json.dumps({"type": "epoch", "epoch": 7, "metrics": {"loss": 0.5}}) + "\n"
    path.write_text(start + again + again + again)
    with pytest.warns(RuntimeWarning, match="truncated or replaced"):
        assert follower.poll()
    assert follower.run.epochs == [7] and follower.run["loss"] == [0.5]


def test_a_directory_matching_the_glob_does_not_stop_the_watch(tmp_path, shell):
    (tmp_path / "odd.jsonl").mkdir()  # matches the pattern, is a directory
    run = tc.Run("ok")
    run.log_to(tmp_path / "ok.jsonl")
    run.log(0, loss=1.0)
    run.finish()
    watcher = tc.watch(str(tmp_path / "*.jsonl"), block=True, timeout=5, every=0.05)
    assert [r.name for r in watcher.runs] == ["ok"]
    final = shell.messages[-1]["data"][MIME_TYPE]["runs"][0]
    assert final["status"] == "finished"  # the panel was closed, not left running
