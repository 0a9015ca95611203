"""schema/payload.v1.json: the one definition of the payload, which the
builder writes (every payload the tests build is checked, see conftest.py),
the renderer reads (jest: test/payload.spec.ts) and other programs target."""

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, history_fixtures
from jsonschema import Draft202012Validator
from schema_check import SCHEMA, SCHEMA_FILE, problems

import traincurves as tc
from traincurves.payload import payload
from traincurves.schema import payload_schema

pytest_plugins = ("pytester",)

HANDWRITTEN = sorted((FIXTURES / "handwritten").glob("*.json"))
INVALID = json.loads((FIXTURES / "invalid_payloads.json").read_text())


def test_the_schema_is_a_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _properties(schema, where="#"):
    """(where, schema) of every property the schema names."""
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from _properties(item, f"{where}/{i}")
    elif isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties":
                for name, sub in value.items():
                    yield f"{where}/properties/{name}", sub
            yield from _properties(value, f"{where}/{key}")


def test_every_property_is_documented():
    undocumented = [
        where
        for where, sub in _properties(SCHEMA)
        if "description" not in sub and "$ref" not in sub
    ]
    # A property that is a $ref is documented where it points, unless it
    # says more.
    assert not undocumented
    for name, definition in SCHEMA["$defs"].items():
        assert definition.get("description"), name


@pytest.mark.parametrize("path", history_fixtures(), ids=lambda p: p.stem)
def test_the_shared_history_payloads_match(path):
    assert problems(json.loads(path.read_text())["payload"]) == []


@pytest.mark.parametrize("path", HANDWRITTEN, ids=lambda p: p.stem)
def test_payloads_written_from_the_schema_alone_match(path):
    """What another program (an R or Julia logger) would write: the renderer
    reads the same files (jest)."""
    fixture = json.loads(path.read_text())
    assert problems(fixture["payload"]) == []
    Draft202012Validator(payload_schema()).validate(fixture["payload"])


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c["why"])
def test_what_the_renderer_refuses_the_schema_refuses(case):
    """Each payload the renderer refuses breaks the schema, or (columns of
    the wrong length) what the schema cannot say."""
    assert problems(case["payload"]), case["error"]


def _built():
    run = tc.Run("r", params={"lr": 0.1}, total_epochs=3)
    run.log(loss=0.5, val_loss=float("nan"))
    run.log(loss=0.4, val_loss=0.6)
    run.log_batch(step=0, epoch=2, loss=0.3)
    return payload([run], metrics=["loss"])


def test_the_builder_writes_only_what_the_schema_names():
    built = json.loads(json.dumps(_built()))
    assert problems(built) == []
    built["runs"][0]["step_per_epoch"] = 100  # a typo
    # Readers ignore what they do not know; the builder's tests do not.
    Draft202012Validator(SCHEMA).validate(built)
    assert problems(built) == [
        "$.runs[0]: Additional properties are not allowed "
        "('step_per_epoch' was unexpected)"
    ]


def test_a_misaligned_column_is_found():
    built = json.loads(json.dumps(_built()))
    built["runs"][0]["metrics"]["loss"].pop()
    assert problems(built) == ["$.runs[0].metrics['loss'] has 1 values, 2 epochs"]


def test_a_test_that_builds_a_bad_payload_fails(pytester):
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(
        test_built="""
        import traincurves as tc
        from traincurves.payload import bundle

        def test_good():
            run = tc.Run("r")
            run.log(loss=0.5)
            bundle([run])

        def test_bad():
            run = tc.Run("r")
            run.log(loss=0.5)
            run.status = "done"  # not a status: finish() would refuse it
            bundle([run])
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    assert (
        "a payload built by this test breaks schema/payload.v1.json:\n"
        "$.runs[0].status: 'done' is not one of" in result.stdout.str()
    )


def test_the_package_finds_its_schema():
    assert payload_schema() == json.loads(SCHEMA_FILE.read_text())


def test_the_installed_package_ships_the_schema():
    """The wheel carries the schema (``make install`` installs one)."""
    try:
        dist = importlib.metadata.distribution("traincurves")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("traincurves is not installed")
    origin = json.loads(dist.read_text("direct_url.json") or "{}")
    if origin.get("dir_info", {}).get("editable"):
        pytest.skip("an editable install reads the source tree's schema")
    shipped = [
        f for f in dist.files or [] if f.as_posix() == "traincurves/payload.v1.json"
    ]
    assert shipped, "the installed wheel lacks traincurves/payload.v1.json"
    Draft202012Validator.check_schema(json.loads(shipped[0].read_text()))


def test_traincurves_needs_no_jsonschema():
    """jsonschema is for the tests: the package builds and ships panels
    without it."""
    code = (
        "import sys; sys.modules['jsonschema'] = None\n"
        "import traincurves as tc\n"
        "from traincurves.payload import bundle\n"
        "run = tc.Run('r'); run.log(loss=0.5)\n"
        "bundle([run], static=True)\n"
        "from traincurves.schema import payload_schema; payload_schema()\n"
    )
    python = str(Path(tc.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": python}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
