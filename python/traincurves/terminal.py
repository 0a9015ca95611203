"""Live runs where no notebook frontend draws outputs: ``python train.py``,
IPython in a terminal, output piped to a file or a CI log.

There a display of the MIME bundle would print the payload itself (plain
Python prints the dict) or the whole text summary at every update (IPython's
terminal). Instead a live run prints one compact progress line per update —
rewritten in place with ``\\r`` on a terminal, a new line per epoch when the
output is piped — and the text summary once it ends.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from .kernel import shell
from .summary import progress_line, summary

if TYPE_CHECKING:
    from .run import Run


def frontend() -> bool:
    """Whether displayed outputs reach a frontend that draws them.

    A kernel's shell (ipykernel's ``ZMQInteractiveShell``, as in JupyterLab,
    Notebook, VS Code and Colab) sends them to one; IPython's terminal shell
    prints their text, and plain Python has no shell at all. IPython's
    terminal module is not imported for the asking: if it is not loaded, the
    shell cannot be its.
    """
    ipython = shell()
    if ipython is None:
        return False
    terminal = sys.modules.get("IPython.terminal.interactiveshell")
    base = getattr(terminal, "TerminalInteractiveShell", None)
    return not (base is not None and isinstance(ipython, base))


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """Progress lines of the runs a live display shows, on ``stream``
    (default: ``sys.stdout`` as it is at each write, so redirections apply).

    On a terminal each update rewrites the line; piped, a line is printed
    only when an epoch was added or a run changed status, so a log gets at
    most one line per epoch and per update interval.
    """

    def __init__(
        self, runs: Callable[[], list[Run]], stream: TextIO | None = None
    ) -> None:
        self.runs = runs
        self.stream = stream
        self._shown = 0  # characters of the line on screen (terminal)
        self._state: tuple | None = None  # what the last piped line said

    def write(self, final: bool = False) -> None:
        """Show the runs' progress; ``final``: end the line, print the summary."""
        stream = self.stream if self.stream is not None else sys.stdout
        runs = self.runs()
        if not runs:
            return
        line = " | ".join(progress_line(run) for run in runs)
        if _is_tty(stream):
            width = max(20, shutil.get_terminal_size().columns - 1)
            if len(line) > width:  # a wrapped line could not be rewritten
                line = line[: width - 1] + "…"
            stream.write("\r" + line.ljust(self._shown))
            self._shown = len(line)
            if final:
                stream.write("\n")
                self._shown = 0
        else:
            state = tuple((run.name, len(run), run.status) for run in runs)
            started = any(len(run) for run in runs)
            if state != self._state and started and not final:
                stream.write(line + "\n")
            self._state = state
        if final:
            stream.write(summary(runs) + "\n")
        stream.flush()
