"""Live runs outside a notebook frontend: compact progress lines, never the
payload. Scripts run in a subprocess, piped and in a pseudo-terminal, as a
user runs ``python train.py``; IPython's terminal shell too."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import KERAS_DIGITS

import traincurves as tc
from traincurves.payload import MIME_TYPE
from traincurves.terminal import Progress

SOURCE = Path(tc.__file__).resolve().parents[1]
TIMEOUT = 300  # a bound for a loaded machine; a healthy script takes seconds

LOOP = """
import time
import traincurves as tc

run = tc.Run("loop")
with run.live(total_epochs=8, every=0):
    for epoch in range(8):
        for step in range(5):  # batch values: updates, but no new epoch
            run.log_batch(step=step, loss=1 / (epoch * 5 + step + 1))
        time.sleep(0.01)
        run.log(loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1))
tc.show({"loss": [1.0, 0.5]}, name="shown")
"""


def environment() -> dict[str, str]:
    env = dict(os.environ, KERAS_BACKEND="torch", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(SOURCE), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env.pop("JPY_PARENT_PID", None)
    return env


def piped(tmp_path: Path, code: str, *args: str) -> str:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(code))
    done = subprocess.run(
        [sys.executable, *args, str(script)],
        capture_output=True,
        text=True,
        env=environment(),
        cwd=tmp_path,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def in_terminal(tmp_path: Path, code: str) -> str:
    pexpect = pytest.importorskip("pexpect")
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(code))
    child = pexpect.spawn(
        sys.executable,
        [str(script)],
        env=environment(),
        cwd=str(tmp_path),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(24, 200),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


def no_payload(output: str) -> None:
    assert MIME_TYPE not in output
    assert "{'" not in output and "<svg" not in output


def test_a_piped_script_prints_a_line_per_epoch_and_a_summary(tmp_path):
    output = piped(tmp_path, LOOP)
    no_payload(output)
    lines = output.splitlines()
    assert "\r" not in output
    # One line per epoch, none for the batch-only updates between them.
    progress = [line for line in lines if line.startswith("loop: ")]
    assert [line.split(" · ")[0] for line in progress] == [
        f"loop: epoch {k}/8" for k in range(1, 9)
    ]
    assert progress[0].startswith("loop: epoch 1/8 · loss 1 · val_loss 1.2 · ETA ")
    summary = lines[len(progress) :]
    assert summary[0] == "traincurves run 'loop': finished, 8 epochs"
    assert summary[2].split() == ["loss", "0.125", "0.125", "(epoch", "8,", "min)"]
    assert "traincurves run 'shown': finished, 2 epochs" in summary  # tc.show
    assert len(lines) < 20


def test_a_script_in_a_terminal_rewrites_one_line(tmp_path):
    output = in_terminal(tmp_path, LOOP)
    no_payload(output)
    # The terminal turns each "\n" into "\r\n"; every other "\r" rewrites.
    first, *rest = output.replace("\r\n", "\n").split("\n")
    shown = first.split("\r")[1:]
    assert all(re.match(r"loop: (finished · )?epoch \d/8", s) for s in shown)
    epochs = [int(re.search(r"epoch (\d)/8", s).group(1)) for s in shown]
    assert epochs == sorted(epochs) and epochs[-1] == 8
    # Batch updates rewrite the line too; each rewrite covers the last one.
    assert len(shown) > 8
    assert shown[-1].startswith("loop: finished · epoch 8/8 · loss 0.125")
    assert rest[0] == "traincurves run 'loop': finished, 8 epochs"


def test_keras_liveplot_in_a_piped_script(tmp_path):
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    output = piped(
        tmp_path,
        KERAS_DIGITS
        + textwrap.dedent(
            """
            digits_model().fit(
                x[:400], y[:400], validation_data=(x[400:600], y[400:600]),
                epochs=5, batch_size=100, verbose=0,
                callbacks=[tc.LivePlot(name="digits", every=0)],
            )
            """
        ),
    )
    no_payload(output)
    lines = output.splitlines()
    progress = [line for line in lines if line.startswith("digits: epoch")]
    # Unthrottled (every=0): a line per epoch, then the summary. (With the
    # default throttle, epochs faster than it share a line.)
    assert [line.split(" · ")[0] for line in progress] == [
        f"digits: epoch {k}/5" for k in range(1, 6)
    ], output
    assert progress[0].startswith("digits: epoch 1/5 · accuracy "), output
    assert " · val_loss " in progress[0] and " · ETA " in progress[0]
    assert "traincurves run 'digits': finished, 5 epochs" in lines


def test_ipython_in_a_terminal_prints_progress_not_the_table(tmp_path):
    (tmp_path / "ipython").mkdir()
    output = piped(
        tmp_path,
        LOOP,
        "-m",
        "IPython",
        "--no-banner",
        "--colors=NoColor",
        f"--ipython-dir={tmp_path / 'ipython'}",
        "--HistoryManager.enabled=False",
    )
    no_payload(output)
    progress = [line for line in output.splitlines() if line.startswith("loop: ")]
    assert len(progress) == 8
    # The summary table once, at the end; not at every update.
    assert output.count("traincurves run 'loop'") == 1
    assert output.count("  metric ") == 2  # the loop's and tc.show's


def test_a_watch_in_a_piped_script(tmp_path):
    writer = tc.Run("remote")
    writer.log_to(tmp_path / "remote.jsonl")
    for epoch in range(3):
        writer.log(loss=1 / (epoch + 1))
    writer.finish()
    output = piped(
        tmp_path,
        f"""
        import traincurves as tc

        tc.watch({str(tmp_path / "*.jsonl")!r}, block=True, timeout=60)
        """,
    )
    no_payload(output)
    assert "traincurves run 'remote': finished, 3 epochs" in output.splitlines()


def test_piped_progress_adds_a_line_only_for_a_new_epoch():
    run = tc.Run("p")
    run.total_epochs = 3
    stream = io.StringIO()
    progress = Progress(lambda: [run], stream)
    progress.write()  # no epoch yet: nothing to say
    run.log(loss=1.0)
    progress.write()
    run.log_batch(step=1, loss=0.9)
    progress.write()  # a batch: the line would say the same
    run.log(loss=0.5)
    progress.write()
    run.finish()
    progress.write(final=True)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("p: epoch 1/3 · loss 1 · ETA ")
    assert lines[1].startswith("p: epoch 2/3 · loss 0.5 · ETA ")
    assert lines[2] == "traincurves run 'p': finished, 2 epochs"


def test_terminal_progress_pads_shorter_lines_and_fits_the_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    leader, follower = os.openpty()
    with open(follower, "w", encoding="utf-8") as tty, open(leader, "rb", 0) as screen:
        runs = [tc.Run("a-long-run-name-" + "x" * 30)]
        progress = Progress(lambda: runs, tty)
        runs[0].log(loss=1.0, val_loss=2.0, accuracy=0.1, val_accuracy=0.05)
        progress.write()
        runs[:] = [tc.Run("b")]
        runs[0].log(loss=1.0)
        progress.write()
        tty.write("\n")  # the end of what to read: the terminal sends "\r\n"
        tty.flush()
        data = b""
        while not data.endswith(b"\n"):
            data += screen.read(4096)
    first, second = data.decode().split("\r")[1:3]
    assert len(first) == 59 and first.endswith("…")  # one column to spare
    # Padded over what the longer line left on the screen.
    assert second.rstrip().startswith("b: epoch 1 · loss 1 · ")
    assert len(second) == 59
