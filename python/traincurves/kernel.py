"""What the IPython kernel we run in tells us: which process sends our
outputs, and which cell is running."""

from __future__ import annotations

import sys
from typing import Any


def shell() -> Any:
    """The running IPython shell, or None. IPython is not imported for the
    asking: without it imported, no shell can be running."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def session_id() -> str | None:
    """The kernel process's messaging session id, or None outside a kernel.

    Every message the kernel sends carries it in its header, and a restarted
    kernel has a new one: a panel saved as ``running`` whose session is not
    the one the notebook's kernel now sends from cannot be updated any more.
    """
    kernel = getattr(shell(), "kernel", None)
    session = getattr(getattr(kernel, "session", None), "session", None)
    return session if isinstance(session, str) and session else None


def current_cell(ipython: Any = None) -> tuple[str, Any] | None:
    """What identifies the running cell, the same while it runs and in its
    ``post_run_cell`` event; None outside IPython.

    In ipykernel that is the execute request's message id (its execution
    count is already the next one while the cell runs). IPython without a
    kernel (a terminal) has no request: there the count is the cell's own.
    """
    ipython = ipython if ipython is not None else shell()
    if ipython is None:
        return None
    get_parent = getattr(getattr(ipython, "kernel", None), "get_parent", None)
    if get_parent is not None:
        try:
            msg_id = get_parent("shell")["header"]["msg_id"]
        except (LookupError, TypeError):
            msg_id = None
        if msg_id:
            return ("request", msg_id)
    return ("count", ipython.execution_count)


def origin(display: str, ipython: Any = None) -> dict[str, Any] | None:
    """Where a live display begins: its display id, the notebook cell whose
    execution shows it, that execution's count and the kernel session.

    A page opened while the display is still updated (a reloaded page, a
    notebook reopened) sees its updates on IOPub, which do not carry the
    execute request's metadata: the payload must say which cell it belongs
    to, and which execution, so that a cell run again since is left alone.
    None outside a kernel, or when the frontend sent no cell id (JupyterLab
    and Notebook 7 send ``cellId`` in each execute request's metadata).
    """
    ipython = ipython if ipython is not None else shell()
    get_parent = getattr(getattr(ipython, "kernel", None), "get_parent", None)
    if get_parent is None:
        return None
    try:
        parent = get_parent("shell")
        cell = parent["metadata"].get("cellId")
        request = parent["header"]["msg_type"]
    except (LookupError, TypeError, AttributeError):
        return None
    count = getattr(ipython, "execution_count", None)
    if (
        request != "execute_request"
        or not isinstance(cell, str)
        or not cell
        or not isinstance(count, int)
    ):
        return None
    # The shell counts the running cell already: its own count is the one
    # before, as the execute reply says and the notebook shows ("In [n]").
    return {
        "display": display,
        "cell": cell,
        "execution": count - 1,
        "kernel": session_id(),
    }
