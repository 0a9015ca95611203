"""Every log of the corpus of real public training logs
(``test/fixtures/real_logs/``, sources in its ``manifest.json``) loads.

The readers were written looking at the ``dev`` part of the corpus; the
``heldout`` part was collected for judging them. Run with ``-s`` to see the
counts by kind.
"""

import json
import warnings
from collections import Counter
from pathlib import Path

import pytest

import traincurves as tc

CORPUS = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "real_logs"
REQUIRED = 0.98


def entries():
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def test_the_manifest_names_files_that_are_there():
    found = entries()
    assert found, "the corpus is empty"
    for entry in found:
        assert {"file", "kind", "repo", "commit", "path", "split"} <= entry.keys()
        assert (CORPUS / entry["file"]).exists(), entry["file"]


def test_real_logs_load():
    tried: Counter[str] = Counter()
    loaded: Counter[str] = Counter()
    failures = []
    for entry in entries():
        key = f"{entry['kind']} ({entry['split']})"
        tried[key] += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # partial reads count as read
                runs = tc.load_all(CORPUS / entry["file"])
        except Exception as error:  # any failure counts against the bar, named
            failures.append(f"{entry['file']}: {type(error).__name__}: {error}")
            continue
        if not runs or not any(len(run) or len(run.batch_table) for run in runs):
            failures.append(f"{entry['file']}: no values read")
            continue
        loaded[key] += 1
    print("\nreal logs loaded, by kind (split):")
    for key in sorted(tried):
        print(f"  {key}: {loaded[key]}/{tried[key]}")
    total, ok = sum(tried.values()), sum(loaded.values())
    print(f"  all: {ok}/{total} ({ok / total:.1%})")
    for failure in failures:
        print("  not loaded:", failure)
    if ok < REQUIRED * total:
        pytest.fail(
            f"{ok} of {total} real logs load, below {REQUIRED:.0%}:\n"
            + "\n".join(failures)
        )
