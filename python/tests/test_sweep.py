"""Comparisons of many runs (a sweep): within the size budgets, ranked by a
focus metric, the best highlighted, findings grouped by kind."""

import json
import xml.etree.ElementTree as ET

import pytest
import schema_check
from sweep import sweep_runs

import traincurves as tc
from traincurves.payload import MIME_TYPE, MIN_EPOCH_ROWS, bundle, payload
from traincurves.presentation import (
    HIGHLIGHT,
    RUN_PALETTE,
    finding_groups,
    focus_metric,
    highlight_count,
    run_ranks,
)

NS = "{http://www.w3.org/2000/svg}"
CAP = 1_000_000  # tc.configure's default max_bytes


def size(data):
    return len(json.dumps(data, separators=(",", ":"), allow_nan=False))


def classes(picture, name):
    return [e for e in ET.fromstring(picture).iter() if e.get("class") == name]


@pytest.fixture(scope="module")
def sweep_200():
    runs = sweep_runs(tc, 200)
    return runs, bundle(runs)


def test_200_runs_stay_within_the_cap_and_the_picture_budget(sweep_200):
    _, shown = sweep_200
    # built in the fixture, where conftest does not check it
    assert schema_check.problems(json.loads(json.dumps(shown[MIME_TYPE]))) == []
    assert size(shown[MIME_TYPE]) <= CAP
    assert len(shown["image/svg+xml"].encode()) <= 100_000


def test_the_best_runs_stay_whole_and_the_rest_keep_their_shape(sweep_200):
    runs, shown = sweep_200
    data = shown[MIME_TYPE]
    assert data["focus"] == {"metric": "val_loss", "mode": "min"}
    assert data["highlight"] == HIGHLIGHT
    by_id = {run.id: run for run in runs}
    ranked = sorted(data["runs"], key=lambda r: r["rank"])
    assert [r["rank"] for r in ranked] == list(range(1, 201))
    best = [by_id[r["id"]].best("val_loss")[1] for r in ranked]
    assert best == sorted(best)
    for place, run in enumerate(ranked, start=1):
        if place <= HIGHLIGHT:
            assert "epoch_count" not in run
            assert run["epochs"] == list(range(1, 101))
            continue
        # Reduced for display: fewer rows, each best epoch and the last kept,
        # the values at them exact; the Run itself keeps every value.
        assert run["epoch_count"] == 100
        assert len(run["epochs"]) < 100
        assert run["epochs"][-1] == 100
        source = by_id[run["id"]]
        for metric, best_value in run["best"].items():
            row = run["epochs"].index(best_value["epoch"])
            assert run["metrics"][metric][row] == best_value["value"]
        assert len(source.epochs) == 100
        for metric, entries in run["nonfinite"].items():
            assert {e for e, _ in entries} <= set(run["epochs"])
            column = run["metrics"][metric]
            assert all(column[run["epochs"].index(e)] is None for e, _ in entries)


def test_highlighted_runs_get_colours_apart_from_each_other_and_the_grey(sweep_200):
    _, shown = sweep_200
    data = shown[MIME_TYPE]
    strong = [r["color"] for r in data["runs"] if r["rank"] <= data["highlight"]]
    assert len(set(strong)) == len(strong)
    assert RUN_PALETTE[-1] not in strong


def test_the_picture_draws_the_best_and_summarises_the_rest(sweep_200):
    _, shown = sweep_200
    data, picture = shown[MIME_TYPE], shown["image/svg+xml"]
    strong = {r["name"] for r in data["runs"] if r["rank"] <= data["highlight"]}
    drawn = {e.get("data-run") for e in classes(picture, "tc-series")}
    assert drawn == strong
    # one band and median per metric of the faint runs, behind the curves
    assert sorted(e.get("data-metric") for e in classes(picture, "tc-spread")) == [
        "accuracy",
        "loss",
        "val_accuracy",
        "val_loss",
    ]
    legend = ["".join(e.itertext()) for e in classes(picture, "tc-legend")]
    assert "195 other runs median, 10-90 % band" in legend
    assert [e.split(" #")[1][0] for e in legend if " #" in e] == list("12345")
    # best dots only for the highlighted runs' validation curves
    assert len(classes(picture, "tc-best")) == 2 * len(strong)
    # findings listed by kind, one line each
    groups = data["finding_groups"]
    items = classes(picture, "tc-finding-item")
    assert len(items) == min(6, len(groups))
    text = "".join(ET.fromstring(picture).itertext())
    first = groups[0]
    assert f"{first['label']} · {first['count']} of 200 runs: " in text


def test_findings_are_grouped_by_kind_most_runs_first(sweep_200):
    runs, shown = sweep_200
    data = shown[MIME_TYPE]
    groups = data["finding_groups"]
    kinds = {f.kind for run in runs for f in run.findings()}
    assert {g["kind"] for g in groups} == kinds
    counts = [g["count"] for g in groups]
    assert counts == sorted(counts, reverse=True)
    order = [run.id for run in runs]
    for group in groups:
        having = [
            r.id for r in runs if any(f.kind == group["kind"] for f in r.findings())
        ]
        assert group["runs"] == having  # once each, in panel order
        assert group["count"] == len(having) and group["of"] == 200
        assert group["runs"] == sorted(group["runs"], key=order.index)
    # a run that blew up is one run of the nonfinite group, not four
    nonfinite = next(g for g in groups if g["kind"] == "nonfinite")
    assert nonfinite["severity"] == "error"
    assert nonfinite["label"] == "nonfinite"


def test_the_text_lists_the_best_runs_and_the_groups(sweep_200):
    _, shown = sweep_200
    data = shown[MIME_TYPE]
    lines = shown["text/plain"].splitlines()
    assert (
        lines[0] == "traincurves comparison of 200 runs, the 10 best by best val_loss"
    )
    best = sorted(data["runs"], key=lambda r: r["rank"])[:10]
    assert [line.split()[0] for line in lines[2:12]] == [r["name"] for r in best]
    assert lines[12] == "  ... and 190 more runs"
    assert lines[13] == "  findings:"
    group = data["finding_groups"][0]
    assert lines[14].startswith(
        f"  * {group['label']} · {group['count']} of 200 runs: "
    )
    assert len(lines) == 14 + len(data["finding_groups"])


def test_1000_runs():
    runs = sweep_runs(tc, 1000, seed=1)
    shown = bundle(runs)
    data = shown[MIME_TYPE]
    assert len(shown["image/svg+xml"].encode()) <= 100_000
    # Every run not highlighted is reduced to the fewest rows; what is left
    # over the cap is each run's own facts (params, best values, findings),
    # about 0.8 KB a run, which the run table lists (bench/README.md).
    faint = [r for r in data["runs"] if r["rank"] > data["highlight"]]
    assert all(len(r["epochs"]) <= MIN_EPOCH_ROWS for r in faint)
    assert size(data) <= 1.5 * CAP
    assert len(shown["text/plain"].splitlines()) < 20


def metric_runs(*histories):
    runs = [tc.Run.from_history(h, name=f"r{i}") for i, h in enumerate(histories)]
    return payload(runs)["runs"]


def test_the_focus_is_the_validation_loss_most_runs_logged():
    shown = metric_runs(
        {"loss": [1.0, 0.5], "accuracy": [0.5, 0.6]},
        {"loss": [1.0, 0.5], "val_loss": [1.0, 0.8], "val_acc": [0.5, 0.6]},
        {"loss": [1.0], "val_acc": [0.5], "val_nll_loss": [1.0]},
        {"loss": [1.0], "val_nll_loss": [1.0]},
    )
    assert focus_metric(shown) == {"metric": "val_nll_loss", "mode": "min"}
    assert focus_metric(shown, "val_acc") == {"metric": "val_acc", "mode": "max"}
    # a metric with no direction ranks nothing: the rule decides
    assert focus_metric(shown, "lr")["metric"] == "val_nll_loss"
    no_val_loss = metric_runs({"loss": [1.0], "val_acc": [0.4]}, {"loss": [2.0]})
    assert focus_metric(no_val_loss) == {"metric": "val_acc", "mode": "max"}
    train_only = metric_runs({"accuracy": [0.4], "loss": [1.0]}, {"loss": [2.0]})
    assert focus_metric(train_only) == {"metric": "loss", "mode": "min"}
    assert focus_metric(metric_runs({"lr": [0.1]}, {"lr": [0.2]})) is None


def test_ranks_go_by_best_value_ties_to_the_first_listed():
    shown = metric_runs(
        {"val_acc": [0.5, 0.9, 0.7]},
        {"val_acc": [0.8]},
        {"loss": [1.0]},
        {"val_acc": [0.9, 0.1]},
    )
    ranks = run_ranks(shown, {"metric": "val_acc", "mode": "max"})
    assert [ranks[r["id"]] for r in shown] == [1, 3, None, 2]
    assert set(run_ranks(shown, None).values()) == {None}


@pytest.mark.parametrize(
    ("runs", "ranked", "asked", "k"),
    [
        (10, 10, None, None),  # up to 10 runs every run is drawn strongly
        (11, 11, None, HIGHLIGHT),
        (200, 200, 3, 3),
        (200, 200, False, None),
        (4, 4, 4, None),  # every run anyway
        (4, 4, 2, 2),
        (200, 0, None, None),  # nothing to rank by
    ],
)
def test_how_many_runs_are_highlighted(runs, ranked, asked, k):
    assert highlight_count(runs, ranked, asked) == k


def test_a_run_with_several_findings_of_a_kind_counts_once():
    shown = [
        {"id": "a", "findings": [{"kind": "nonfinite", "severity": "error"}] * 3},
        {
            "id": "b",
            "findings": [
                {"kind": "plateau", "severity": "info"},
                {"kind": "overfitting", "severity": "info"},
            ],
        },
        {
            "id": "c",
            "findings": [
                {"kind": "overfitting", "severity": "warning"},
                {"kind": "plateau", "severity": "info"},
            ],
        },
        {"id": "d", "findings": []},
    ]
    assert finding_groups(shown) == [
        {
            "kind": "overfitting",
            "label": "overfitting",
            "severity": "warning",
            "runs": ["b", "c"],
            "count": 2,
            "of": 4,
        },
        {
            "kind": "plateau",
            "label": "plateau",
            "severity": "info",
            "runs": ["b", "c"],
            "count": 2,
            "of": 4,
        },
        {
            "kind": "nonfinite",
            "label": "nonfinite",
            "severity": "error",
            "runs": ["a"],
            "count": 1,
            "of": 4,
        },
    ]


def test_a_few_runs_are_all_drawn_strongly_and_a_single_run_is_no_comparison():
    histories = [
        {"loss": [1.0, 0.5], "val_loss": [1.0, 0.5 + i / 10]} for i in range(3)
    ]
    runs = [tc.Run.from_history(h, name=f"r{i}") for i, h in enumerate(histories)]
    data = payload(runs)
    assert "highlight" not in data
    assert [r["rank"] for r in data["runs"]] == [1, 2, 3]
    assert data["finding_groups"] == []
    single = payload(runs[:1])
    assert {"focus", "highlight", "finding_groups"}.isdisjoint(single)
    assert "rank" not in single["runs"][0]


def test_compare_takes_highlight(shell):
    runs = sweep_runs(tc, 12, epochs=10)
    tc.compare(*runs, highlight=2)
    data = shell.messages[-1]["data"][MIME_TYPE]
    assert data["highlight"] == 2
    tc.compare(*runs, highlight=False)
    assert "highlight" not in shell.messages[-1]["data"][MIME_TYPE]
    tc.compare(*runs, metric="val_accuracy")
    data = shell.messages[-1]["data"][MIME_TYPE]
    assert data["focus"] == {"metric": "val_accuracy", "mode": "max"}
    assert data["highlight"] == HIGHLIGHT
    for wrong in (0, -1, 2.5, "3"):
        with pytest.raises(ValueError, match="highlight must be"):
            tc.compare(*runs, highlight=wrong)


def test_compare_a_glob_of_run_files_of_every_format(tmp_path, shell):
    runs = sweep_runs(tc, 12, epochs=8)
    for run in runs[:6]:
        writer = tc.Run(run.name, params=run.params)
        writer.log_to(tmp_path / f"{run.name}.jsonl")
        for epoch, _, values in run.epoch_table.rows():
            writer.log_values(values, epoch)
        writer.finish()
    for run in runs[6:]:  # as Keras' CSVLogger writes them
        lines = ["epoch," + ",".join(run)]
        for epoch, _, values in run.epoch_table.rows():
            lines.append(f"{epoch}," + ",".join(repr(v) for v in values.values()))
        (tmp_path / f"{run.name}.csv").write_text("\n".join(lines) + "\n")
    tc.compare(str(tmp_path / "*.jsonl"))
    data = shell.messages[-1]["data"][MIME_TYPE]
    assert sorted(r["name"] for r in data["runs"]) == [r.name for r in runs[:6]]
    assert data["runs"][0]["params"] == runs[0].params
    tc.compare(str(tmp_path / "sweep-*"))
    data = shell.messages[-1]["data"][MIME_TYPE]
    assert len(data["runs"]) == 12
    assert data["highlight"] == HIGHLIGHT
    assert data["focus"]["metric"] == "val_loss"
