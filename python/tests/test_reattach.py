"""What a page opened while a panel still updates needs from its messages,
read from a real ipykernel's IOPub: each live panel's payload says which
display it is, the notebook cell and execution that show it, and the kernel
process (``origin``), in every message, also the last.

Cells are sent as JupyterLab sends them, with ``cellId`` in the execute
request's metadata.
"""

from __future__ import annotations

import textwrap

import pytest
from schema_check import problems
from test_kernel import (
    WAIT,
    Kernel,
    display_id,
    epochs_seen,
    is_panel,
    run_of,
)

from traincurves.payload import MIME_TYPE

pytest.importorskip("ipykernel")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    kernel = Kernel(tmp_path_factory.mktemp("kernel"))
    try:
        kernel.run(WAIT)
        yield kernel
    finally:
        kernel.shutdown()


def run_cell(kernel: Kernel, code: str, cell: str | None) -> str:
    """Run ``code`` as the notebook cell ``cell`` (None: a request without a
    cell id, as a console or another frontend sends); its message id."""
    content = {
        "code": textwrap.dedent(code),
        "silent": False,
        "store_history": True,
        "user_expressions": {},
        "allow_stdin": False,
        "stop_on_error": True,
    }
    metadata = {} if cell is None else {"cellId": cell}
    msg = kernel.kc.session.msg("execute_request", content, metadata=metadata)
    kernel.kc.shell_channel.send(msg)
    msg_id = msg["header"]["msg_id"]
    kernel.unfinished.add(msg_id)
    reply = kernel.finish(msg_id)
    assert reply["status"] == "ok", "\n".join(reply.get("traceback", []))
    return msg_id


def execution_of(kernel: Kernel, msg_id: str) -> int:
    """The count the kernel gave a request (its execute_input)."""
    msg = kernel.read(
        lambda m: (
            m["msg_type"] == "execute_input"
            and m["parent_header"].get("msg_id") == msg_id
        ),
        "execute_input",
    )
    return msg["content"]["execution_count"]


def origin_of(msg: dict) -> dict | None:
    return msg["content"]["data"][MIME_TYPE].get("origin")


def test_every_message_of_a_live_panel_names_its_display_cell_and_execution(
    kernel,
):
    msg_id = run_cell(
        kernel,
        """
        import traincurves as tc

        run = tc.Run("r")
        with run.live(every=0):
            run.log(loss=1.0)
            run.log(loss=0.5)
        """,
        "cell-a",
    )
    messages = kernel.panels(msg_id)
    assert [m["msg_type"] for m in messages] == [
        "display_data",
        *["update_display_data"] * (len(messages) - 1),
    ]
    assert run_of(messages[-1])["status"] == "finished"
    session = messages[0]["header"]["session"]
    expected = {
        "display": display_id(messages[0]),
        "cell": "cell-a",
        "execution": execution_of(kernel, msg_id),
        "kernel": session,
    }
    # The final update (status finished, no top-level kernel) keeps it too.
    assert [origin_of(m) for m in messages] == [expected] * len(messages)
    for msg in messages:
        assert problems(msg["content"]["data"][MIME_TYPE]) == []


def test_two_panels_of_one_cell_differ_by_display_only(kernel):
    msg_id = run_cell(
        kernel,
        """
        import traincurves as tc

        first, second = tc.Run("first"), tc.Run("second")
        with first.live(every=0), second.live(every=0):
            first.log(loss=1.0)
            second.log(loss=2.0)
        """,
        "cell-b",
    )
    origins = {display_id(m): origin_of(m) for m in kernel.panels(msg_id)}
    assert len(origins) == 2
    for ident, origin in origins.items():
        assert origin["display"] == ident
    assert {o["cell"] for o in origins.values()} == {"cell-b"}
    assert len({o["execution"] for o in origins.values()}) == 1


def test_a_panel_updated_while_a_later_cell_runs_keeps_its_own_cell(kernel):
    cell_a = run_cell(
        kernel,
        """
        import traincurves as tc

        bg = tc.Run("bg")
        bg.start_live(every=0)
        bg.log(loss=1.0)
        """,
        "cell-early",
    )
    ident = display_id(kernel.panels(cell_a)[0])
    cell_b = run_cell(kernel, "bg.log(loss=0.5)", "cell-late")
    later = kernel.read(lambda m: is_panel(m, ident) and epochs_seen(m) == 2, "log")
    assert run_of(later)["status"] == "running"
    origin = origin_of(later)
    assert origin["cell"] == "cell-early"
    assert origin["execution"] == execution_of(kernel, cell_a)
    assert origin["execution"] < execution_of(kernel, cell_b)
    run_cell(kernel, "bg.finish(); bg.stop_live()", "cell-end")
    assert {origin_of(m)["cell"] for m in kernel.of_display(ident)} == {"cell-early"}


def test_no_origin_without_a_cell_id_nor_for_a_panel_shown_once(kernel):
    console = run_cell(
        kernel,
        """
        import traincurves as tc

        run = tc.Run("c")
        with run.live(every=0):
            run.log(loss=1.0)
        """,
        None,
    )
    assert kernel.panels(console)
    assert all(origin_of(m) is None for m in kernel.panels(console))
    shown = run_cell(kernel, "tc.show(run)", "cell-show")
    (msg,) = kernel.panels(shown)
    assert origin_of(msg) is None
