"""Live panels in a real ipykernel: how they end when the cell running
training fails or is interrupted, read from the kernel's IOPub messages.

``conftest.shell`` runs cells in this process; here a kernel process runs
them as a notebook does: execute requests, SIGINT from ``interrupt_kernel``,
display updates sent from timer and watcher threads. The tests only wait for
messages, each wait bounded by a deadline; nothing sleeps a fixed time.
"""

from __future__ import annotations

import ast
import os
import queue
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import KERAS_DIGITS

import traincurves as tc
from traincurves.payload import MIME_TYPE

pytest.importorskip("ipykernel")
manager = pytest.importorskip("jupyter_client.manager")

# Bounds on waits, generous for a loaded machine: a healthy run takes a
# fraction of them.
STARTUP = 120
CELL = 180

# The kernel imports the traincurves these tests import (the working tree),
# not a copy installed in the environment.
SOURCE = Path(tc.__file__).resolve().parents[1]

# Where the tests' interrupts land: a sleep in a callback, once the panel
# has epochs. Landing anywhere in a training step, an interrupt may be lost:
# Keras 3.15 runs each forward pass of a Sequential/Functional model through
# ``Functional._maybe_warn_inputs_struct_mismatch``, whose bare ``except:``
# swallows a KeyboardInterrupt raised in it, and training goes on.
WAIT = """
import time


def wait_for_interrupt():
    print("waiting for the interrupt", flush=True)
    while True:
        time.sleep(0.05)
"""


LIGHTNING_SETUP = """
import lightning.pytorch as pl
import torch
import traincurves as tc
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

x, y = load_digits(return_X_y=True)
data = DataLoader(
    TensorDataset(torch.tensor(x[:300] / 16.0, dtype=torch.float32),
                  torch.tensor(y[:300])),
    batch_size=100,
)


class Tiny(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Linear(64, 10)

    def training_step(self, batch, i):
        xb, yb = batch
        loss = torch.nn.functional.cross_entropy(self.net(xb), yb)
        self.log("loss", loss, on_step=False, on_epoch=True)
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)
"""


class Kernel:
    """A kernel process and its client; every IOPub message read is kept."""

    def __init__(self, cwd: Path) -> None:
        env = dict(os.environ, KERAS_BACKEND="torch")
        env["PYTHONPATH"] = os.pathsep.join(
            [str(SOURCE), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        self.km, self.kc = manager.start_new_kernel(
            startup_timeout=STARTUP, kernel_name="python3", env=env, cwd=str(cwd)
        )
        self.log: list[dict] = []
        self.healthy = True
        self.unfinished: set[str] = set()  # cells sent, not seen to end

    def shutdown(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def restart(self) -> None:
        self.km.restart_kernel(now=True)
        self.kc.wait_for_ready(timeout=STARTUP)
        self.log.clear()
        self.healthy = True
        self.unfinished.clear()

    # -- messages ------------------------------------------------------

    def read(self, until: Callable[[dict], bool], what: str, timeout=CELL) -> dict:
        """The first IOPub message, read already or to come, for which
        ``until`` holds."""
        for msg in self.log:
            if until(msg):
                return msg
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                msg = self.kc.get_iopub_msg(timeout=remaining)
            except queue.Empty:
                break
            self.log.append(msg)
            if until(msg):
                return msg
        self.healthy = False  # a cell may still run: the next test restarts
        raise AssertionError(f"no {what} within {timeout}s; read:\n{self.recent()}")

    def recent(self, count: int = 20) -> str:
        lines = []
        for msg in self.log[-count:]:
            content = msg["content"]
            info = content.get("execution_state", "")
            if msg["msg_type"] == "stream":
                info = content["text"][-300:]
            elif msg["msg_type"] == "error":
                info = f"{content['ename']}: {content['evalue']}"
            elif MIME_TYPE in content.get("data", {}):
                run = run_of(msg)
                info = f"{run['name']} {run['status']} {len(run['epochs'])} epochs"
            lines.append(f"  {msg['msg_type']} {info}")
        return "\n".join(lines)

    # -- cells ---------------------------------------------------------

    def start(self, code: str, **kwargs) -> str:
        """Send a cell; its message id."""
        msg_id = self.kc.execute(textwrap.dedent(code), **kwargs)
        self.unfinished.add(msg_id)
        return msg_id

    def finish(self, msg_id: str, timeout=CELL) -> dict:
        """Wait for the end of a cell; its execute_reply's content."""
        self.read(
            lambda m: (
                m["msg_type"] == "status"
                and m["parent_header"].get("msg_id") == msg_id
                and m["content"]["execution_state"] == "idle"
            ),
            "end of the cell",
            timeout,
        )
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                reply = self.kc.get_shell_msg(timeout=remaining)
            except queue.Empty:
                break
            if reply["parent_header"].get("msg_id") == msg_id:
                self.unfinished.discard(msg_id)
                return reply["content"]
        self.healthy = False
        raise AssertionError(f"no execute_reply within {timeout}s")

    def run(self, code: str, timeout=CELL) -> str:
        """Run a cell that must succeed; its message id."""
        msg_id = self.start(code)
        reply = self.finish(msg_id, timeout)
        assert reply["status"] == "ok", "\n".join(reply.get("traceback", []))
        return msg_id

    def evaluate(self, expression: str):
        """A Python literal computed in the kernel."""
        reply = self.finish(self.start("", user_expressions={"value": expression}))
        value = reply["user_expressions"]["value"]
        assert value["status"] == "ok", value
        return ast.literal_eval(value["data"]["text/plain"])

    def panels(self, msg_id: str | None = None) -> list[dict]:
        """traincurves displays and updates read so far (of one cell)."""
        return [
            m
            for m in self.log
            if is_panel(m)
            and (msg_id is None or m["parent_header"].get("msg_id") == msg_id)
        ]

    def of_display(self, ident: str) -> list[dict]:
        return [m for m in self.log if is_panel(m, ident)]

    def display_of(self, msg_id: str) -> str:
        """The display id of the (first) display a cell showed."""
        first = self.read(
            lambda m: (
                m["msg_type"] == "display_data"
                and m["parent_header"].get("msg_id") == msg_id
                and "display_id" in m["content"].get("transient", {})
            ),
            "display",
        )
        return display_id(first)


def is_panel(msg: dict, ident: str | None = None) -> bool:
    return (
        msg["msg_type"] in ("display_data", "update_display_data")
        and MIME_TYPE in msg["content"]["data"]
        and (ident is None or display_id(msg) == ident)
    )


def display_id(msg: dict) -> str:
    return msg["content"]["transient"]["display_id"]


def run_of(msg: dict) -> dict:
    (run,) = msg["content"]["data"][MIME_TYPE]["runs"]
    return run


def epochs_seen(msg: dict) -> int:
    return len(run_of(msg)["epochs"])


def check_ended(messages: list[dict], status: str, shown: bool = True) -> dict:
    """One panel's messages: shown once (``shown``: with a traincurves
    payload), updated in place, running until its last message, which ends
    it with ``status``; each carries the static picture once there are
    epochs to draw; the last message's run."""
    assert messages, "no traincurves message"
    first, *updates = messages if shown else [None, *messages]
    assert first is None or first["msg_type"] == "display_data"
    assert updates and all(m["msg_type"] == "update_display_data" for m in updates)
    *before, last = messages
    assert [run_of(m)["status"] for m in before] == ["running"] * len(before)
    assert run_of(last)["status"] == status
    assert "image/svg+xml" in last["content"]["data"]
    check_live_pictures(messages)
    check_kernel_field(messages)
    return run_of(last)


def check_live_pictures(messages: list[dict]) -> None:
    """Updates carry the picture from the first with an epoch on: an update
    without it would make a frontend without the extension show the text."""
    for msg in messages:
        assert ("image/svg+xml" in msg["content"]["data"]) == bool(
            msg["content"]["data"][MIME_TYPE]["runs"][0]["epochs"]
        )


def check_kernel_field(messages: list[dict]) -> None:
    """Payloads of running runs name the kernel that sends them: the session
    in the header of its messages; the others name none."""
    for msg in messages:
        data = msg["content"]["data"][MIME_TYPE]
        if any(run["status"] == "running" for run in data["runs"]):
            assert data["kernel"] == msg["header"]["session"]
        else:
            assert "kernel" not in data


def interrupt_after_two_epochs(kernel: Kernel, msg_id: str) -> str:
    """Interrupt a cell once its panel shows two epochs and it waits in
    ``wait_for_interrupt``; the panel's display id."""
    ident = kernel.display_of(msg_id)
    kernel.read(lambda m: is_panel(m, ident) and epochs_seen(m) == 2, "epoch 2")
    interrupt_when_waiting(kernel, msg_id)
    return ident


def interrupt_when_waiting(kernel: Kernel, msg_id: str) -> None:
    """Interrupt a cell once it waits in ``wait_for_interrupt``."""
    kernel.read(
        lambda m: (
            m["msg_type"] == "stream"
            and m["parent_header"].get("msg_id") == msg_id
            and "waiting for the interrupt" in m["content"]["text"]
        ),
        "wait for the interrupt",
    )
    kernel.km.interrupt_kernel()


def setup(kernel: Kernel, code: str, *modules: str) -> None:
    """Run a framework's setup cell, skipping the test as the rest of the
    suite does if a module it needs is missing (imported here meanwhile)."""
    msg_id = kernel.start(code)
    for module in modules:
        pytest.importorskip(module)
    reply = kernel.finish(msg_id)
    assert reply["status"] == "ok", "\n".join(reply.get("traceback", []))


@pytest.fixture(scope="module")
def kernel_process(tmp_path_factory):
    kernel = Kernel(tmp_path_factory.mktemp("kernel"))
    try:
        yield kernel
    finally:
        kernel.shutdown()


@pytest.fixture
def kernel(kernel_process):
    """The module's kernel, idle, running this traincurves, with
    ``wait_for_interrupt`` defined: restarted if an earlier test left a cell
    running."""
    if not kernel_process.healthy or kernel_process.unfinished:
        kernel_process.restart()
    found = kernel_process.evaluate(
        "__import__('sys').prefix, __import__('traincurves').__file__"
    )
    assert found == (sys.prefix, tc.__file__)
    kernel_process.run(WAIT)
    kernel_process.log.clear()
    yield kernel_process
    kernel_process.log.clear()


def test_keras_fit_failing_in_a_cell_ends_failed(kernel):
    setup(kernel, KERAS_DIGITS, "keras", "sklearn")
    msg_id = kernel.start(
        """
        class Boom(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if epoch == 2:
                    raise RuntimeError("disk full at epoch 3")

        digits_model().fit(
            x[:300], y[:300], epochs=10, batch_size=100, verbose=0,
            callbacks=[tc.LivePlot(name="boom", every=0), Boom()],
        )
        """
    )
    reply = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "RuntimeError"
    messages = kernel.panels(msg_id)
    assert len({display_id(m) for m in messages}) == 1
    run = check_ended(messages, "failed")
    assert run["epochs"] == [1, 2, 3]
    assert len(run["metrics"]["loss"]) == 3
    failed = [e for e in run["events"] if e["kind"] == "failed"]
    assert failed == [
        {"kind": "failed", "message": "RuntimeError: disk full at epoch 3"}
    ]
    text = messages[-1]["content"]["data"]["text/plain"]
    assert text.startswith("traincurves run 'boom': failed, 3 epochs\n")


def test_keras_fit_interrupted_ends_interrupted(kernel):
    setup(kernel, KERAS_DIGITS, "keras", "sklearn")
    msg_id = kernel.start(
        """
        class Wait(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if epoch == 1:
                    wait_for_interrupt()

        digits_model().fit(
            x[:300], y[:300], epochs=100, batch_size=100, verbose=0,
            callbacks=[tc.LivePlot(name="stopped", every=0), Wait()],
        )
        """
    )
    ident = interrupt_after_two_epochs(kernel, msg_id)
    reply = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    run = check_ended(kernel.of_display(ident), "interrupted")
    assert run["epochs"] == [1, 2]
    assert all(len(v) == 2 for v in run["metrics"].values())
    assert [e["kind"] for e in run["events"]] == ["interrupted"]
    # The kernel goes on: its next cells run.
    assert kernel.evaluate("1 + 1") == 2


def test_lightning_fit_interrupted_ends_interrupted(kernel):
    setup(kernel, LIGHTNING_SETUP, "lightning", "sklearn")
    msg_id = kernel.start(
        """
        class Wait(pl.Callback):
            def on_train_epoch_end(self, trainer, pl_module):
                if trainer.current_epoch == 1:
                    wait_for_interrupt()

        trainer = pl.Trainer(
            max_epochs=100, accelerator="cpu", logger=False,
            enable_checkpointing=False, enable_progress_bar=False,
            enable_model_summary=False,
            callbacks=[tc.lightning.LivePlot(name="pl", every=0), Wait()],
        )
        trainer.fit(Tiny(), data)
        """
    )
    ident = interrupt_after_two_epochs(kernel, msg_id)
    # Lightning catches the KeyboardInterrupt, calls on_exception, ignores
    # SIGINT and exits with sys.exit(1): the cell ends in SystemExit, the
    # kernel lives on, and its next cells can be interrupted again.
    reply = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "SystemExit"
    run = check_ended(kernel.of_display(ident), "interrupted")
    assert run["epochs"] == [1, 2]
    assert [e["kind"] for e in run["events"]] == ["interrupted"]
    # ipykernel installs its SIGINT handler again for each request.
    msg_id = kernel.start("wait_for_interrupt()")
    interrupt_when_waiting(kernel, msg_id)
    assert kernel.finish(msg_id)["ename"] == "KeyboardInterrupt"


def test_run_live_block_raising_ends_failed(kernel):
    msg_id = kernel.start(
        """
        import traincurves as tc

        run = tc.Run("plain")
        with run.live(total_epochs=10, every=0):
            for epoch in range(10):
                run.log(loss=1 / (epoch + 1))
                if epoch == 4:
                    raise ValueError("bad batch")
        """
    )
    reply = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "ValueError"
    run = check_ended(kernel.panels(msg_id), "failed")
    assert run["epochs"] == [1, 2, 3, 4, 5]
    assert run["events"] == [{"kind": "failed", "message": "ValueError: bad batch"}]
    assert run["progress"]["total"] == 10


def test_run_live_block_interrupted_ends_interrupted(kernel):
    msg_id = kernel.start(
        """
        import traincurves as tc

        run = tc.Run("plain")
        with run.live(total_epochs=10, every=0):
            for epoch in range(10):
                run.log(loss=1 / (epoch + 1))
                if epoch == 1:
                    wait_for_interrupt()
        """
    )
    ident = interrupt_after_two_epochs(kernel, msg_id)
    reply = kernel.finish(msg_id)
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    run = check_ended(kernel.of_display(ident), "interrupted")
    assert run["epochs"] == [1, 2]
    assert [e["kind"] for e in run["events"]] == ["interrupted"]


def test_a_failing_cell_leaves_a_watch_of_an_earlier_cell_running(kernel, tmp_path):
    path = tmp_path / "bg.jsonl"
    writer = tc.Run("bg")
    writer.log_to(path)
    writer.log(loss=1.0)
    cell_a = kernel.run(
        f"""
        import traincurves as tc

        watcher = tc.watch({str(tmp_path / "*.jsonl")!r}, every=0.05)
        """
    )
    ident = kernel.display_of(cell_a)
    try:
        writer.log(loss=0.5)
        kernel.read(lambda m: is_panel(m, ident) and epochs_seen(m) == 2, "epoch 2")
        cell_b = kernel.start("raise RuntimeError('cell B fails')")
        assert kernel.finish(cell_b)["ename"] == "RuntimeError"
        assert kernel.panels(cell_b) == []
        # Still followed after B failed: a new epoch reaches the panel.
        writer.log(loss=0.25)
        latest = kernel.read(
            lambda m: is_panel(m, ident) and epochs_seen(m) == 3, "epoch 3"
        )
        assert run_of(latest)["status"] == "running"
        messages = kernel.of_display(ident)
        assert {run_of(m)["status"] for m in messages} == {"running"}
        check_live_pictures(messages)
        # Its updates, sent from the watcher's thread, belong to cell A.
        assert {m["parent_header"]["msg_id"] for m in messages} == {cell_a}
        check_kernel_field(messages)
        # The run ends in the file: the watch sends the final state and stops.
        writer.finish()
        kernel.read(
            lambda m: is_panel(m, ident) and run_of(m)["status"] == "finished",
            "finished watch",
        )
        # (shown as "waiting for files" before the first poll)
        check_ended(kernel.of_display(ident), "finished", shown=False)
        assert run_of(kernel.of_display(ident)[-1])["epochs"] == [1, 2, 3]
    finally:
        if writer.status == "running":
            writer.finish()
        if kernel.healthy:
            kernel.finish(kernel.start("watcher.stop()"))


def test_a_failing_cell_leaves_a_live_run_of_an_earlier_cell_running(kernel):
    cell_a = kernel.run(
        """
        import traincurves as tc

        bg = tc.Run("bg")
        bg.start_live(every=0)
        bg.log(loss=1.0)
        """
    )
    ident = kernel.display_of(cell_a)
    cell_b = kernel.start("raise RuntimeError('cell B fails')")
    assert kernel.finish(cell_b)["ename"] == "RuntimeError"
    assert kernel.panels(cell_b) == []
    kernel.run("bg.log(loss=0.5)")
    # Sent by this cell, or by a timer if it came too soon after the last.
    update = kernel.read(lambda m: is_panel(m, ident) and epochs_seen(m) == 2, "log")
    assert run_of(update)["status"] == "running"
    cell_d = kernel.run("bg.finish(); bg.stop_live()")
    assert [run_of(m)["status"] for m in kernel.panels(cell_d)] == ["finished"]
    run = check_ended(kernel.of_display(ident), "finished")
    assert run["events"] == []


def test_kernel_field_names_the_sending_session_while_running(kernel):
    msg_id = kernel.run(
        """
        import traincurves as tc

        run = tc.Run("k")
        with run.live(every=0):
            run.log(loss=1.0)
            run.log(loss=0.5)
        tc.show(run)
        """
    )
    session = kernel.evaluate("get_ipython().kernel.session.session")
    assert session != kernel.kc.session.session  # the client's is another
    live, *updates, shown = kernel.panels(msg_id)
    running = [live, *updates[:-1]]
    assert [run_of(m)["status"] for m in running] == ["running"] * len(running)
    for msg in [live, *updates, shown]:
        assert msg["header"]["session"] == session
    for msg in running:
        assert msg["content"]["data"][MIME_TYPE]["kernel"] == session
    for msg in (updates[-1], shown):  # the final update; tc.show of the run
        assert run_of(msg)["status"] == "finished"
        assert "kernel" not in msg["content"]["data"][MIME_TYPE]
    assert shown["msg_type"] == "display_data"


def test_live_updates_carry_the_picture_about_once_a_second(kernel):
    """Frontends without the extension (VS Code, Colab) replace the picture
    in place at each update: it must come with the updates, redrawn about
    once a second, each one small."""
    msg_id = kernel.run(
        """
        import time
        import traincurves as tc

        run = tc.Run("pictured")
        with run.live(total_epochs=50):
            for epoch in range(50):
                time.sleep(0.1)  # an epoch of training
                run.log(
                    loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1),
                    accuracy=epoch / 40, val_accuracy=epoch / 45,
                )
        """
    )
    every = kernel.evaluate("tc.configure().live_static_every")
    messages = kernel.panels(msg_id)
    check_ended(messages, "finished")
    pictures = [m["content"]["data"].get("image/svg+xml") for m in messages]
    assert all(len(p.encode()) <= 40_000 for p in pictures if p)
    # A new drawing whenever the last is `every` old: an update that re-sends
    # the last drawing comes less than that after it (its header's time
    # follows the decision by the update's build, a few ms).
    drawn_at = None
    drawings = []
    for msg, picture in zip(messages, pictures):
        if picture is None:
            continue
        if not drawings or picture != drawings[-1]:
            drawings.append(picture)
            drawn_at = msg["header"]["date"]
        else:
            assert (msg["header"]["date"] - drawn_at).total_seconds() < every + 0.5
    # 5 s of training: drawings while it ran, and the finished one.
    assert len(drawings) >= 3
    assert "finished · 50 epochs" in drawings[-1]
    assert "running" in drawings[-2]
