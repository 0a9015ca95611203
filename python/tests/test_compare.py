"""The kernel's run registry and tc.compare."""

import pytest

import traincurves as tc
from traincurves.payload import MIME_TYPE


def payload_of(message):
    return message["data"][MIME_TYPE]


def test_shown_runs_are_kept_by_name_and_replaced(shell):
    tc.show({"loss": [1.0, 0.5]}, name="baseline")
    tc.show({"loss": [0.9, 0.4]}, name="dropout")
    tc.show({"loss": [0.8, 0.3]}, name="baseline")  # re-run: replaces
    assert [r.name for r in tc.runs()] == ["baseline", "dropout"]
    assert tc.runs()[0]["loss"] == [0.8, 0.3]


def test_keep_true_keeps_the_earlier_run_as_name_2(shell):
    tc.show({"loss": [1.0]}, name="baseline")
    tc.show({"loss": [0.9]}, name="baseline", keep=True)
    tc.show({"loss": [0.8]}, name="baseline", keep=True)
    runs = {r.name: r["loss"] for r in tc.runs()}
    assert runs == {"baseline": [0.8], "baseline (2)": [1.0], "baseline (3)": [0.9]}


def test_live_runs_and_bare_runs_are_registered(shell):
    run = tc.Run("live")
    with run.live():
        run.log(loss=1.0)
    bare = tc.Run.from_history({"loss": [1.0]}, name="bare")
    bare._repr_mimebundle_()
    assert [r.name for r in tc.runs()] == ["live", "bare"]
    text = repr(tc.runs())
    assert text.splitlines()[1].split() == [
        "run",
        "status",
        "epochs",
        "final",
        "loss",
        "params",
    ]
    assert text.splitlines()[2].split() == ["live", "finished", "1", "1", "-"]


def test_compare_every_run_of_the_kernel(shell):
    tc.show({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]}, name="a")
    tc.show({"loss": [0.9, 0.4], "val_loss": [1.0, 0.6]}, name="b", keep=True)
    shell.messages.clear()
    assert tc.compare() is None
    (message,) = shell.messages
    payload = payload_of(message)
    assert [r["name"] for r in payload["runs"]] == ["a", "b"]
    text = message["data"]["text/plain"].splitlines()
    assert text[0] == "traincurves comparison of 2 runs"
    assert text[1].split() == [
        "run",
        "status",
        "epochs",
        "best",
        "val_loss",
        "final",
        "loss",
        "final",
        "val_loss",
        "params",
    ]
    assert text[2].split() == ["a", "finished", "3", "0.7", "@", "2", "0.4", "0.8", "-"]


def test_compare_by_name_by_object_and_mixed(shell):
    tc.show({"loss": [1.0]}, name="baseline")
    history = {"loss": [0.5, 0.4]}
    run = tc.Run.from_history({"loss": [0.3]}, name="obj")
    tc.compare("baseline", history, run, names=["baseline", "dict", "obj"])
    payload = payload_of(shell.messages[-1])
    assert [r["name"] for r in payload["runs"]] == ["baseline", "dict", "obj"]
    tc.compare({"loss": [1]}, {"loss": [2]})
    assert [r["name"] for r in payload_of(shell.messages[-1])["runs"]] == [
        "run 1",
        "run 2",
    ]


def test_unknown_name_lists_the_known_ones(shell):
    tc.show({"loss": [1.0]}, name="baseline")
    tc.show({"loss": [1.0]}, name="dropout-0.3")
    with pytest.raises(KeyError) as raised:
        tc.compare("baselin")
    assert str(raised.value) == (
        "no run named 'baselin' in this kernel; known runs: 'baseline', 'dropout-0.3'"
    )


def test_nothing_to_compare_and_bad_arguments(shell):
    with pytest.raises(ValueError, match="no runs to compare yet"):
        tc.compare()
    with pytest.raises(ValueError, match="names has 1 entries for 2 runs"):
        tc.compare({"loss": [1]}, {"loss": [2]}, names=["x"])
    tc.show({"loss": [1.0]}, name="a")
    with pytest.raises(
        ValueError, match=r"no run logged the metric 'val_acc'; logged: 'loss'"
    ):
        tc.compare(metric="val_acc")


def test_disjoint_metrics_show_the_union_with_absent_values(shell):
    tc.compare(
        {"loss": [1.0, 0.5], "val_accuracy": [0.5, 0.6]},
        {"loss": [0.9, 0.4], "auc": [0.7, 0.8]},
        names=["acc-run", "auc-run"],
    )
    message = shell.messages[-1]
    a, b = payload_of(message)["runs"]
    assert set(a["metrics"]) == {"loss", "val_accuracy"}  # no zero-filled auc
    assert set(b["metrics"]) == {"loss", "auc"}
    row = message["data"]["text/plain"].splitlines()[3]
    assert row.split()[:6] == ["auc-run", "finished", "2", "-", "0.4", "-"]


def test_focus_on_one_metric(shell):
    tc.show({"loss": [1.0], "val_accuracy": [0.5]}, name="a")
    tc.compare(metric="val_accuracy")
    payload = payload_of(shell.messages[-1])
    assert payload["view"] == {"metrics": ["val_accuracy"]}
    assert "final loss" not in shell.messages[-1]["data"]["text/plain"]


def test_comparison_follows_a_run_trained_after_it_by_name(shell):
    tc.show({"loss": [1.0, 0.8]}, name="baseline")
    tc.show({"loss": [1.2]}, name="variant")
    tc.compare("baseline", "variant")
    comparison_id = shell.messages[-1]["transient"]["display_id"]
    shell.messages.clear()

    run = tc.Run("variant")  # the variant cell is run again
    with run.live(every=0):
        for epoch in range(3):
            run.log(epoch=epoch, loss=1.0 / (epoch + 1))
    updates = [
        m
        for m in shell.messages
        if m["update"] and m["transient"]["display_id"] == comparison_id
    ]
    assert updates, "the comparison was not updated while the variant trained"
    final = payload_of(updates[-1])["runs"]
    assert [r["name"] for r in final] == ["baseline", "variant"]
    assert final[1]["epochs"] == [1, 2, 3] and final[1]["status"] == "finished"
