"""Optuna studies as sweeps: each trial a run of one comparison panel.

``tc.optuna.compare(study)`` shows every trial that has started: its params,
its intermediate values (``trial.report(value, step)``) as the curve, step k
drawn at epoch k + 1 as Keras' epochs are, and its state: complete trials
are ``finished``, pruned ones ``stopped_early`` with a ``pruned`` event at
the step the pruner stopped them, failed ones ``failed`` with the reason,
running ones ``running``. A trial that reported nothing shows its final
value as one point. Runs are ranked by the study's objective, in its
direction, and the best ones highlighted (see ``tc.compare``).

``tc.optuna.LiveCompare()`` passed to ``study.optimize(callbacks=[...])``
keeps one such panel up to date while the study runs, a trial at a time.

The curve is named after the study's metric (``study.set_metric_names``),
else ``objective``; a maximised one is ranked highest first whatever its
name. The trials are not added to ``tc.runs()``: a study is one panel.
Needs ``pip install traincurves[optuna]``.
"""

from __future__ import annotations

from typing import Any

from ..live import DEFAULT_EVERY, LiveDisplay, Update
from ..run import Run


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:
        raise ImportError(
            "tc.optuna needs Optuna: pip install traincurves[optuna]"
        ) from None
    return optuna


def objective(study: Any) -> dict[str, str]:
    """The focus of a study's panel: its metric's name and direction."""
    optuna = _optuna()
    if len(study.directions) > 1:
        raise ValueError(
            "tc.optuna shows single-objective studies: this one has "
            f"{len(study.directions)} objectives"
        )
    names = study.metric_names
    maximise = study.direction == optuna.study.StudyDirection.MAXIMIZE
    return {
        "metric": names[0] if names else "objective",
        "mode": "max" if maximise else "min",
    }


def trial_run(trial: Any, metric: str, study_name: str = "") -> Run | None:
    """One trial as a Run (None: it has not started): ``trial N``, its params,
    intermediate values and state."""
    state = _optuna().trial.TrialState
    if trial.state == state.WAITING:
        return None
    run = Run(f"trial {trial.number}", params=trial.params)
    # Stable across a live study's updates, so the panel keeps its choices.
    run.id = f"{study_name}#{trial.number}"
    run.started = None  # no times per step: leave the epochs untimed
    values = dict(sorted(trial.intermediate_values.items()))
    if not values and trial.value is not None:
        values = {0: trial.value}
    for step, value in values.items():
        run.log_values({metric: value}, int(step))
    start, end = trial.datetime_start, trial.datetime_complete
    if trial.state == state.RUNNING:
        run.started = start.timestamp() if start else None
        return run
    if trial.state == state.PRUNED:
        last = max(values, default=None)
        where = f" at step {last}" if last is not None else ""
        run.add_event("pruned", last, message=f"pruned by the study's pruner{where}")
        run.finish("stopped_early")
    elif trial.state == state.FAIL:
        # Optuna 3 kept the reason; later ones only log it.
        reason = trial.system_attrs.get("fail_reason") or (
            "the objective raised an error or returned no valid value "
            "(Optuna's log says which)"
        )
        run.add_event("failed", message=str(reason))
        run.finish("failed")
    else:
        run.finish("finished")
    run.started = start.timestamp() if start else None
    run.ended = end.timestamp() if end else None
    if run.started is None or run.ended is None:
        run.started = run.ended = None
    return run


class _Trials:
    """A study's trials as runs; finished trials are made once."""

    def __init__(self, study: Any) -> None:
        self.study = study
        self.focus = objective(study)
        self._done: dict[int, Run] = {}

    def runs(self) -> list[Run]:
        out = []
        for trial in self.study.get_trials(deepcopy=False):
            run = self._done.get(trial.number)
            if run is None:
                run = trial_run(trial, self.focus["metric"], self.study.study_name)
                if run is not None and trial.state.is_finished():
                    self._done[trial.number] = run
            if run is not None:
                out.append(run)
        return out

    def bundle(
        self,
        update: Update | None,
        highlight: int | bool | None,
        static: bool | None = None,
    ) -> dict:
        from ..payload import bundle

        return bundle(
            self.runs(),
            static=static,
            update=update,
            highlight=highlight,
            focus=self.focus,
        )


def compare(
    study: Any,
    highlight: int | bool | None = None,
    static: bool | None = None,
) -> None:
    """Show a study's trials as runs on one panel (see the module's text).
    ``highlight`` and ``static`` as for ``tc.compare``."""
    from IPython.display import display

    trials = _Trials(study)
    if not trials.runs():
        raise ValueError(f"study {study.study_name!r} has no trials to show yet")
    display(trials.bundle(None, highlight, static), raw=True)


class LiveCompare:
    """An Optuna callback that shows the study's trials on one panel and
    updates it as each trial ends: ``study.optimize(objective, n_trials=30,
    callbacks=[tc.optuna.LiveCompare()])``. The panel appears with the first
    trial that ends; ``close()`` sends its last state at once (it is sent
    anyway, at most ``every`` seconds after the last trial)."""

    def __init__(
        self,
        highlight: int | bool | None = None,
        static: bool | None = None,
        every: float = DEFAULT_EVERY,
    ) -> None:
        self.highlight = highlight
        self.static = static
        self.every = every
        self.display: LiveDisplay | None = None
        self._trials: _Trials | None = None

    def __call__(self, study: Any, trial: Any) -> None:
        if self._trials is None or self._trials.study is not study:
            self._trials = _Trials(study)
            trials = self._trials
            self.display = LiveDisplay(
                lambda update: trials.bundle(update, self.highlight),
                self.every,
                static=self.static,
            )
            self.display.start(track=False)
            return
        assert self.display is not None
        self.display.changed()

    def close(self) -> None:
        """Send the panel's last state now; it is not updated after."""
        if self.display is not None:
            self.display.close()
