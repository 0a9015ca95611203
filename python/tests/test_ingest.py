"""Building a Run from histories: alignment, number types, bad input."""

import math

import pytest

import traincurves as tc


def test_mapping_becomes_a_finished_run_with_epochs_from_zero():
    run = tc.Run.from_history({"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}, name="m")
    assert run.name == "m"
    assert run.status == "finished"
    assert run.epochs == [0, 1]
    assert run.metrics == {"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}
    assert run.elapsed is None


def test_uneven_validation_lists_align_with_their_epochs():
    run = tc.Run.from_history({"loss": [5, 4, 3, 2, 1, 0.5], "val_loss": [3.5, 1.5]})
    # validation_freq=3: validated after epochs 2 and 5 (0-based)
    assert run["val_loss"] == [None, None, 3.5, None, None, 1.5]


def test_lists_that_fit_no_validation_frequency_are_refused():
    with pytest.raises(
        ValueError, match=r"metric 'val_loss' has 3 values for 5 epochs"
    ):
        tc.Run.from_history({"loss": [1, 2, 3, 4, 5], "val_loss": [1, 2, 3]})


def test_numpy_numbers_are_welcome():
    np = pytest.importorskip("numpy")
    run = tc.Run.from_history(
        {
            "loss": np.array([0.5, 0.25], dtype=np.float32),
            "acc": [np.float64(0.5), 0.75],
            "n": [np.int64(3), 4],
        }
    )
    assert run["loss"] == [0.5, 0.25]
    assert run["acc"] == [0.5, 0.75]
    assert run["n"] == [3.0, 4.0]


def test_torch_numbers_are_welcome():
    torch = pytest.importorskip("torch")
    run = tc.Run.from_history(
        {
            "loss": [torch.tensor(0.5), torch.tensor([0.25])],
            "n": [torch.tensor(3), 4],
        }
    )
    assert run["loss"] == [0.5, 0.25]
    assert run["n"] == [3.0, 4.0]


def test_nan_and_inf_are_kept_in_the_run_and_located():
    run = tc.Run.from_history({"loss": [1.0, math.nan, math.inf, -math.inf]})
    assert math.isnan(run["loss"][1])
    assert run.nonfinite == {"loss": [(1, "nan"), (2, "inf"), (3, "-inf")]}


def test_epoch_column_gives_the_epochs():
    run = tc.Run.from_history({"epoch": [4, 5, 6], "loss": [0.3, 0.2, 0.1]})
    assert run.epochs == [4, 5, 6]


@pytest.mark.parametrize(
    ("history", "error", "message"),
    [
        (
            {"loss": [0.5, "0.4"]},
            TypeError,
            r"metric 'loss' value at index 1 is str '0.4'",
        ),
        ({"loss": [[0.5, 0.4]]}, TypeError, r"metric 'loss' value at index 0 is list"),
        ({"loss": [{"a": 1}]}, TypeError, r"metric 'loss' value at index 0 is dict"),
        ({"loss": 0.5}, TypeError, r"metric 'loss' must be a sequence of numbers"),
        ({"loss": "0.5, 0.4"}, TypeError, r"metric 'loss' must be a sequence"),
        ({"loss": {"epoch": 1}}, TypeError, r"metric 'loss' must be a sequence"),
        ({"acc": [True, False]}, TypeError, r"metric 'acc' value at index 0 is bool"),
        ({"loss": [object()]}, TypeError, r"metric 'loss' value at index 0 is object"),
        ({3: [0.5]}, TypeError, r"metric names must be strings, got int 3"),
        ({}, ValueError, r"the history is empty"),
        (
            {"loss": [], "val_loss": []},
            ValueError,
            r"holds no values.*'loss', 'val_loss'",
        ),
        ({"epoch": [0, 0], "loss": [1, 2]}, ValueError, r"'epoch' column repeats"),
    ],
)
def test_bad_input_gets_a_clear_error(history, error, message):
    with pytest.raises(error, match=message):
        tc.Run.from_history(history)


def test_numpy_arrays_of_the_wrong_shape_are_refused():
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=r"metric 'loss' must be a sequence"):
        tc.Run.from_history({"loss": np.zeros((2, 2))})
    with pytest.raises(TypeError, match=r"metric 'loss' value at index 0 .*collection"):
        tc.Run.from_history({"loss": [np.zeros(3)]})


@pytest.mark.parametrize("thing", [42, [0.5, 0.4], None])
def test_unknown_objects_are_refused_with_what_is_accepted(thing):
    with pytest.raises(
        TypeError, match=r"cannot read a training history from .*expected"
    ):
        tc.show(thing)


def test_a_path_that_does_not_exist_says_so():
    with pytest.raises(FileNotFoundError, match=r"no-such-run\.json"):
        tc.show("no-such-run.json")
