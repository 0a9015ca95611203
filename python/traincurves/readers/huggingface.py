"""Hugging Face ``Trainer`` runs: ``trainer_state.json`` (``TrainerState.
save_to_json``), an output or checkpoint folder that holds one, or a
``trainer.state.log_history`` list saved by itself.

The state's ``log_history`` mixes three kinds of rows: logging steps
(``loss``, ``learning_rate``, ``grad_norm``: the batch curves, whose mean
loss per epoch is the epoch's training loss, as ``tc.transformers.LivePlot``
shows it live), evaluations (``eval_*``: epoch curves; the Trainer's own
``eval_runtime`` and per-second rates are left out) and the summary
``train()`` ends with (``train_runtime``, ``train_loss``: params).

Evaluations belong to the epoch they ran in. When the Trainer evaluated
more often than once an epoch (``eval_strategy="steps"``), each evaluation
is a point of its own and the steps between two of them its batches, so
that no evaluation hides another; the steps axis then counts the Trainer's
steps.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from ..run import Run
from .base import LoadError, skipped
from .text import head_text, read_text

STATE = "trainer_state.json"
_CHECKPOINT = re.compile(r"checkpoint-(\d+)$")
_BOOKKEEPING = ("_runtime", "_samples_per_second", "_steps_per_second")
_HISTORY_ROW = re.compile(
    r'\s*\[\s*\{[^{}]*"(loss|learning_rate|grad_norm|eval_[^"]*|train_runtime)"'
)


def _state_in(folder: Path) -> Path | None:
    """The folder's own state, else that of its latest checkpoint."""
    if (folder / STATE).is_file():
        return folder / STATE
    found = []
    for entry in folder.iterdir():
        number = _CHECKPOINT.match(entry.name)
        if number and (entry / STATE).is_file():
            found.append((int(number.group(1)), entry / STATE))
    return max(found)[1] if found else None


def _bare_history(text: str) -> bool:
    """``trainer.state.log_history`` dumped by itself: a list of rows with
    the Trainer's fractional ``epoch`` and ``step`` and its own keys."""
    return bool(_HISTORY_ROW.match(text)) and '"step"' in text and '"epoch"' in text


def sniff(path: Path) -> bool:
    if path.is_dir():
        return _state_in(path) is not None
    text = head_text(path) if path.is_file() else None
    if text is None:
        return False
    start = text.lstrip()[:1]
    return (start == "{" and '"log_history"' in text) or (
        start == "[" and _bare_history(text)
    )


def run_name(path: Path) -> str:
    if path.name != STATE:
        return path.stem
    folder = path.absolute().parent
    if _CHECKPOINT.match(folder.name) and folder.parent.name:
        folder = folder.parent
    return folder.name or path.stem


def _index(epoch: Any) -> int:
    """The 0-based epoch a row logged at a fractional ``epoch`` belongs to."""
    if not isinstance(epoch, (int, float)) or not math.isfinite(epoch):
        return 0
    return max(0, math.ceil(round(epoch, 6)) - 1)


def _numbers(row: dict[str, Any]) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for key, value in row.items():
        if key in ("epoch", "step") or isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            values[key] = float(value)
        elif value is None or (isinstance(value, str) and value.lower() == "nan"):
            values[key] = math.nan if value is not None else None
    return values


def read(path: Path) -> list[Run]:
    source = path
    if path.is_dir():
        found = _state_in(path)
        if found is None:
            raise LoadError(path, f"holds no {STATE}")
        source = found
    text = read_text(source)
    try:
        state = json.loads(text)
    except json.JSONDecodeError as error:
        raise LoadError(source, f"not valid JSON ({error.msg})", error.lineno) from None
    if isinstance(state, list):  # a bare log_history
        state = {"log_history": state}
    history = state.get("log_history") if isinstance(state, dict) else None
    if not isinstance(history, list):
        raise LoadError(source, "has no log_history list: not a Trainer state")
    notes: list[str] = []
    rows = [row for row in history if isinstance(row, dict)]
    if len(rows) != len(history):
        notes.append(
            f"{len(history) - len(rows)} log_history entries that are not dicts"
        )
    evals, logs, params = [], [], {}
    for row in rows:
        values = _numbers(row)
        if "train_runtime" in row:
            params.update({k: v for k, v in values.items() if v is not None})
        elif any(k.startswith(("eval_", "test_")) for k in values):
            kept = {k: v for k, v in values.items() if not k.endswith(_BOOKKEEPING)}
            if kept:
                evals.append((row, kept))
        elif values:
            logs.append((row, values))
    if not evals and not logs:
        raise LoadError(source, "log_history holds no logged values yet")
    name = run_name(source if path.is_file() else path / STATE)
    run = Run(name, {**_params(state), **params})
    run.started = None  # read after the fact: no timing
    epochs = [_index(row.get("epoch")) for row, _ in evals]
    if len(set(epochs)) == len(epochs):
        _by_epoch(run, state, evals, logs)
    else:
        _by_evaluation(run, evals, logs)
    _end(run, state, ended="train_runtime" in params)
    skipped(source, notes)
    return [run]


def _end(run: Run, state: dict[str, Any], ended: bool) -> None:
    """The run's status from the state: a checkpoint saved before
    ``max_steps`` is a run that had not ended, not a finished one."""
    step, planned = state.get("global_step"), state.get("max_steps")
    control = state.get("stateful_callbacks", {})
    control = control.get("TrainerControl", {}) if isinstance(control, dict) else {}
    args = control.get("args", {}) if isinstance(control, dict) else {}
    stop = isinstance(args, dict) and args.get("should_training_stop") is True
    short = isinstance(step, int) and isinstance(planned, int) and 0 < step < planned
    last = run.epochs[-1] if run.epochs else 0
    if short and (stop or ended):  # a callback (early stopping) ended it
        run.add_event("early_stop", last)
        run.finish("stopped_early")
    elif short:
        run.add_event(
            "interrupted",
            last,
            message=f"the Trainer's state at step {step} of {planned} "
            "(a checkpoint's): training had not ended when it was saved",
        )
        run.finish("interrupted")
    else:
        run.finish("finished")


def _params(state: dict[str, Any]) -> dict[str, Any]:
    params = {}
    for key in ("train_batch_size", "best_metric", "best_model_checkpoint"):
        if state.get(key) is not None:
            params[key] = state[key]
    trial = state.get("trial_params")
    if isinstance(trial, dict):
        params.update({str(k): v for k, v in trial.items()})
    return params


def _log_batches(
    run: Run, logs: list[tuple[dict, dict]], place: Any
) -> dict[int, list[float]]:
    """Batch points at ``place(row) -> (epoch, step)``; the losses per epoch."""
    losses: dict[int, list[float]] = {}
    seen: dict[int, int] = {}
    for row, values in logs:
        epoch, step = place(row)
        if step is None or step < 0:
            step = seen.get(epoch, 0)
        seen[epoch] = step + 1
        run.log_batch(step=step, epoch=epoch, **values)
        if values.get("loss") is not None:
            losses.setdefault(epoch, []).append(values["loss"])
    return losses


def _by_epoch(run: Run, state: dict, evals: list, logs: list) -> None:
    epochs = state.get("num_train_epochs")
    max_steps = state.get("max_steps")
    total = (
        math.ceil(epochs) if isinstance(epochs, (int, float)) and epochs > 0 else None
    )
    steps = (
        math.ceil(max_steps / total)
        if total and isinstance(max_steps, int) and max_steps > 0
        else None
    )
    run.total_epochs = total
    run.steps_per_epoch = steps

    def place(row: dict) -> tuple[int, int | None]:
        epoch = _index(row.get("epoch"))
        step = row.get("step")
        if steps and isinstance(step, int):
            return epoch, (step - 1) - epoch * steps
        return epoch, None

    losses = _log_batches(run, logs, place)
    for epoch, values in sorted(losses.items()):
        run.log(epoch, loss=math.fsum(values) / len(values))
    for row, values in evals:
        run.log_values(values, _index(row.get("epoch")))


def _by_evaluation(run: Run, evals: list, logs: list) -> None:
    marks = [row.get("step") for row, _ in evals]
    if not all(isinstance(m, int) for m in marks):
        marks = None
    for number, (_, values) in enumerate(evals):
        run.log_values(values, number)
    if marks:
        gaps = {b - a for a, b in zip([0, *marks], marks)}
        run.steps_per_epoch = gaps.pop() if len(gaps) == 1 else None

    def place(row: dict) -> tuple[int, int | None]:
        step = row.get("step")
        if marks is None or not isinstance(step, int):
            return len(evals) - 1, None
        point = next((i for i, m in enumerate(marks) if step <= m), len(marks))
        start = marks[point - 1] if point else 0
        return point, step - start - 1

    losses = _log_batches(run, logs, place)
    for point, values in sorted(losses.items()):
        run.log(point, loss=math.fsum(values) / len(values))
    run.total_epochs = max(run.epochs) + 1 if run.epochs else None
