"""tc.optuna: a real Optuna study's trials as a sweep, shown once and live."""

import math
import warnings

import optuna
import pytest

import traincurves as tc
from traincurves.payload import MIME_TYPE

STEPS = 12


def objective(trial, sign=1):
    """A cheap curve per trial: x near 2 and a fair lr learn best. Reports
    every step so the pruner can stop the poor ones; x above 9 fails.
    ``sign=-1``: the same, to be maximised."""
    x = trial.suggest_float("x", -10, 10)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    if x > 9:
        raise ValueError("x out of range")
    floor = (x - 2) ** 2 / 10 + abs(math.log10(lr) + 2.5) / 5
    value = None
    for step in range(STEPS):
        value = sign * (floor + 5 * math.exp(-0.4 * step))
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


def study_of(trials, direction="minimize", sign=1, callbacks=()):
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(
        direction=direction,
        sampler=optuna.samplers.RandomSampler(seed=3),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
    )
    study.optimize(
        lambda trial: objective(trial, sign),
        n_trials=trials,
        catch=(ValueError,),
        callbacks=callbacks,
    )
    return study


@pytest.fixture(scope="module")
def study():
    return study_of(30)


def shown(shell):
    return shell.messages[-1]["data"][MIME_TYPE]


def test_each_trial_is_a_run_in_its_state(study, shell):
    tc.optuna.compare(study)
    data = shown(shell)
    State = optuna.trial.TrialState
    trials = {t.number: t for t in study.trials}
    states = {s: [t for t in study.trials if t.state == s] for s in State}
    # the study has each kind, so each is shown
    assert states[State.PRUNED] and states[State.FAIL] and states[State.COMPLETE]
    assert len(data["runs"]) == 30
    for run in data["runs"]:
        trial = trials[int(run["name"].removeprefix("trial "))]
        assert run["params"] == trial.params
        steps = sorted(trial.intermediate_values)
        assert run["epochs"] == [s + 1 for s in steps]  # step k at epoch k + 1
        assert run["metrics"].get("objective", []) == [
            pytest.approx(trial.intermediate_values[s]) for s in steps
        ]
        if trial.state == State.COMPLETE:
            assert run["status"] == "finished"
        elif trial.state == State.PRUNED:
            assert run["status"] == "stopped_early"
            (event,) = run["events"]
            assert event["kind"] == "pruned"
            assert event["epoch"] == steps[-1] + 1
            assert event["message"] == (
                f"pruned by the study's pruner at step {steps[-1]}"
            )
            assert len(steps) < STEPS
        else:
            assert run["status"] == "failed"
            assert run["events"][0]["kind"] == "failed"
            assert run["epochs"] == []
        assert run["text"]["status"] in ("finished", "stopped early", "failed")


def test_trials_are_ranked_by_the_objective_the_best_highlighted(study, shell):
    tc.optuna.compare(study)
    data = shown(shell)
    assert data["focus"] == {"metric": "objective", "mode": "min"}
    assert data["highlight"] == 5
    first = next(r for r in data["runs"] if r["rank"] == 1)
    assert first["name"] == f"trial {study.best_trial.number}"
    failed = [r for r in data["runs"] if r["status"] == "failed"]
    assert all(r["rank"] is None for r in failed)
    picture = shell.messages[-1]["data"]["image/svg+xml"]
    assert "30 runs · the 5 best by best objective" in picture
    tc.optuna.compare(study, static=False)
    assert "image/svg+xml" not in shell.messages[-1]["data"]


def test_a_maximised_objective_ranks_highest_first(shell):
    study = study_of(12, "maximize", sign=-1)
    tc.optuna.compare(study, highlight=3)
    data = shown(shell)
    assert data["focus"] == {"metric": "objective", "mode": "max"}
    assert data["highlight"] == 3
    first = next(r for r in data["runs"] if r["rank"] == 1)
    assert first["name"] == f"trial {study.best_trial.number}"
    assert first["best"]["objective"]["mode"] == "max"
    assert first["best"]["objective"]["value"] == pytest.approx(study.best_value)


def test_named_metrics_running_and_waiting_trials(shell):
    study = optuna.create_study()
    with warnings.catch_warnings():  # experimental since Optuna 3.2
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study.set_metric_names(["val_loss"])
    done = study.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
    done.report(0.5, 0)
    study.tell(done, 0.4)  # reported once, told its final value
    told = study.ask()
    study.tell(told, 0.3)  # no intermediate values: the value is the curve
    running = study.ask()
    running.report(0.9, 0)
    running.report(0.7, 1)
    study.enqueue_trial({"x": 1.0})  # waiting: not started, not shown
    tc.optuna.compare(study)
    runs = {r["name"]: r for r in shown(shell)["runs"]}
    assert shown(shell)["focus"] == {"metric": "val_loss", "mode": "min"}
    assert sorted(runs) == ["trial 0", "trial 1", "trial 2"]
    assert runs["trial 0"]["metrics"] == {"val_loss": [0.5]}
    assert runs["trial 1"]["metrics"] == {"val_loss": [0.3]}
    assert runs["trial 2"]["status"] == "running"
    assert runs["trial 2"]["metrics"] == {"val_loss": [0.9, 0.7]}
    assert runs["trial 1"]["rank"] == 1


def test_a_study_without_trials_and_a_multi_objective_one_say_so():
    with pytest.raises(ValueError, match="has no trials"):
        tc.optuna.compare(optuna.create_study(study_name="empty"))
    both = optuna.create_study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match="2 objectives"):
        tc.optuna.compare(both)


def test_live_compare_updates_one_panel_while_the_study_runs(shell):
    live = tc.optuna.LiveCompare(every=0)
    study = study_of(15, callbacks=[live])
    live.close()
    messages = [m for m in shell.messages if MIME_TYPE in m.get("data", {})]
    first, *updates = messages
    assert not first["update"] and all(m["update"] for m in updates)
    ids = {m["transient"].get("display_id") for m in messages}
    assert len(ids) == 1 and None not in ids
    counts = [len(m["data"][MIME_TYPE]["runs"]) for m in messages]
    assert counts == sorted(counts)
    assert counts[0] == 1 and counts[-1] == 15 == len(study.trials)
    statuses = {r["status"] for r in messages[-1]["data"][MIME_TYPE]["runs"]}
    assert statuses <= {"finished", "stopped_early", "failed"}
    # closed: a trial ending later changes nothing
    live(study, study.trials[-1])
    assert len([m for m in shell.messages if MIME_TYPE in m.get("data", {})]) == len(
        messages
    )
