"""How far the diagnosis agrees with practitioners on real training logs.

Run: ``.venv/bin/python bench/diagnosis_score.py [dev|heldout|round4 ...]``
(both splits by default; ``round4`` is the fourth round of files, both
splits, scored once before any rule was tuned on them). The logs are ``test/fixtures/real_logs`` (``manifest.json``
gives each file's split); two practitioners labelled each file by looking at
its curves (``labels_a.json``, ``labels_b.json``).

How a file is scored:

- A file is a panel: its findings are those of every run it holds (most
  hold one; a ``CSVLogger(append=True)`` file holds several).
- Only what both labellers agree on is a label. A file where their verdicts
  differ, or either says ``unclear``, is left out. For each kind, a file
  where one lists the kind and the other does not is left out of that
  kind's score.
- A false alarm is a problem finding (any kind but ``noisy_validation``, at
  any severity: an ``info`` plateau is on the chart too) on a file both call
  healthy. The rate is also given counting only warnings and errors.
"""

from __future__ import annotations

import json
import sys
import warnings
from collections import Counter
from pathlib import Path

import traincurves as tc
from traincurves.readers import LoadError

LOGS = Path(__file__).resolve().parents[1] / "test" / "fixtures" / "real_logs"
KINDS = (
    "overfitting",
    "underfitting",
    "unstable",
    "plateau",
    "divergence",
    "nonfinite",
    "noisy_validation",
)
PROBLEMS = set(KINDS) - {"noisy_validation"}


def labelled(split: str) -> list[dict]:
    """Each file of the split (or ``roundN``: of that round of collection)
    with both labels and what was found in it."""
    manifest = json.loads((LOGS / "manifest.json").read_text())
    a, b = (
        {x["file"]: x for x in json.loads((LOGS / f"labels_{k}.json").read_text())}
        for k in "ab"
    )
    cases = []
    for entry in manifest:
        if split.startswith("round"):
            if entry.get("round") != int(split[5:]):
                continue
        elif entry["split"] != split:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # logs read in part say so; fine here
            try:
                runs = tc.load_all(LOGS / entry["file"])
            except LoadError:  # unreadable (rows that do not fit their
                runs = []  # header): nothing found, scored like that
        findings = [f for run in runs for f in tc.diagnose(run)]
        cases.append(
            {"file": entry["file"], "a": a[entry["file"]], "b": b[entry["file"]]}
            | {"findings": findings}
        )
    return cases


def agreed(case: dict) -> bool:
    a, b = case["a"]["verdict"], case["b"]["verdict"]
    return a == b and a != "unclear"


def score(cases: list[dict]) -> dict:
    """Per kind: tp, fp, fn, support; false alarms; labeller agreement."""
    tp, fp, fn, support = Counter(), Counter(), Counter(), Counter()
    healthy = alarms = warned = 0
    wrong: list[str] = []
    for case in cases:
        if not agreed(case):
            continue
        la, lb = set(case["a"]["findings"]), set(case["b"]["findings"])
        found = {f.kind for f in case["findings"]}
        for kind in KINDS:
            if (kind in la) != (kind in lb):
                continue
            truth = kind in la
            support[kind] += truth
            if kind in found and truth:
                tp[kind] += 1
            elif kind in found:
                fp[kind] += 1
                wrong.append(f"fp {kind}: {case['file']}")
            elif truth:
                fn[kind] += 1
                wrong.append(f"fn {kind}: {case['file']}")
        if case["a"]["verdict"] == "healthy":
            healthy += 1
            problems = [f for f in case["findings"] if f.kind in PROBLEMS]
            alarms += bool(problems)
            warned += any(f.severity != "info" for f in problems)
    verdicts = [(c["a"]["verdict"], c["b"]["verdict"]) for c in cases]
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": support,
        "healthy": healthy,
        "alarms": alarms,
        "warned": warned,
        "files": len(cases),
        "used": sum(agreed(c) for c in cases),
        "same_verdict": sum(x == y for x, y in verdicts),
        "same_labels": sum(
            x["a"]["verdict"] == x["b"]["verdict"]
            and set(x["a"]["findings"]) == set(x["b"]["findings"])
            for x in cases
        ),
        "wrong": wrong,
    }


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def show(split: str, s: dict, verbose: bool = False) -> None:
    print(
        f"\n## {split}: {s['files']} files; labellers give the same verdict on "
        f"{s['same_verdict']}, the same verdict and kinds on {s['same_labels']}; "
        f"{s['used']} scored (same verdict, not unclear)\n"
    )
    print("| kind | support | found | precision | recall |")
    print("| :--- | ------: | ----: | --------: | -----: |")
    for kind in KINDS:
        tp, fp, fn = s["tp"][kind], s["fp"][kind], s["fn"][kind]
        p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
        print(
            f"| {kind} | {s['support'][kind]} | {tp + fp} | "
            f"{'-' if p is None else f'{p:.2f}'} | {'-' if r is None else f'{r:.2f}'} |"
        )
    h = s["healthy"]
    print(
        f"\nfalse alarms: {s['alarms']} of {h} healthy files "
        f"({100 * (ratio(s['alarms'], h) or 0):.0f} %); "
        f"as warnings or errors: {s['warned']} "
        f"({100 * (ratio(s['warned'], h) or 0):.0f} %)"
    )
    if verbose:
        print("\n".join("  " + w for w in s["wrong"]))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    for split in args or ["dev", "heldout"]:
        show(split, score(labelled(split)), verbose="-v" in sys.argv)
