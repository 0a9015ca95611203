"""Diagnosis, scored on the labelled corpus in test/fixtures/diagnosis."""

import json
import math
import random
from collections import Counter

import pytest
from conftest import FIXTURES
from fixture_runs import decode_history

import traincurves as tc
from traincurves.diagnose import ADVICE

CORPUS = json.loads((FIXTURES / "diagnosis" / "corpus.json").read_text())
# noisy_validation has no synthetic cases: it is scored on real logs only
KINDS = sorted(set(ADVICE) - {"noisy_validation"})


def scores():
    tp, fp, fn = Counter(), Counter(), Counter()
    for case in CORPUS:
        found = {f.kind for f in tc.diagnose(decode_history(case["history"]))}
        expected = set(case["labels"])
        for kind in found & expected:
            tp[kind] += 1
        for kind in found - expected:
            fp[kind] += 1
        for kind in expected - found:
            fn[kind] += 1
    return tp, fp, fn


def test_corpus_has_every_kind_from_synthetic_and_real_runs():
    labels = Counter(k for case in CORPUS for k in case["labels"])
    assert set(labels) == set(KINDS)
    assert {c["name"] for c in CORPUS if c["source"] == "keras"} == {
        "keras-healthy",
        "keras-overfit",
        "keras-lr-too-high",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_precision_at_least_0_9_and_recall_0_8(kind, capsys):
    tp, fp, fn = scores()
    precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 0.0
    recall = tp[kind] / (tp[kind] + fn[kind]) if tp[kind] + fn[kind] else 0.0
    with capsys.disabled():
        print(
            f"\n  {kind:<12} precision {precision:.2f} recall {recall:.2f} "
            f"(tp {tp[kind]}, fp {fp[kind]}, fn {fn[kind]})",
            end="",
        )
    # recall 0.8: unstable misses keras-lr-too-high (its training loss
    # bounces at a tenth of where it started: no setback against the
    # progress made), plateau one synthetic stall shorter than half the run
    assert precision >= 0.9 and recall >= 0.8


def test_real_keras_runs_get_no_false_finding():
    for case in CORPUS:
        if case["source"] == "keras":
            found = {f.kind for f in tc.diagnose(decode_history(case["history"]))}
            assert found <= set(case["labels"]), case["name"]
            if case["labels"] == []:
                assert found == set(), case["name"]


def test_findings_say_where_what_and_what_to_try():
    epochs = 20
    train = [1.5 * math.exp(-0.3 * e) + 0.05 for e in range(epochs)]
    val = [1.4 * math.exp(-0.3 * e) + 0.3 for e in range(8)]
    val += [val[-1] + 0.04 * (i + 1) for i in range(epochs - 8)]
    (finding,) = tc.diagnose({"loss": train, "val_loss": val})
    assert finding.kind == "overfitting" and finding.severity == "warning"
    assert finding.confidence == "high"
    assert finding.metric == "val_loss"
    assert finding.end == epochs - 1 and finding.start == 7
    assert "overfits" in finding.message and "EarlyStopping" in finding.advice
    # the evidence, in numbers and in words
    assert finding.evidence["epochs_since_best"] == epochs - 8
    assert finding.evidence["val_rise"] > 0.5
    assert finding.message.startswith("val_loss +")
    assert f"for {epochs - 8} epochs while loss fell" in finding.message


def test_short_histories_get_no_verdict_but_nan_is_reported():
    assert tc.diagnose({"loss": [3.0, 1.0]}) == []
    # 3 or 4 epochs: only what needs no trend (a swing needs 5)
    assert tc.diagnose({"loss": [3.0, 1.0, 5.0, 0.5]}) == []
    (finding,) = tc.diagnose({"loss": [1.0, math.nan, math.nan]})
    assert (finding.kind, finding.start, finding.end) == ("nonfinite", 1, 2)
    assert finding.message == "loss became nan at epoch 2"


def test_thresholds_are_parameters():
    train = [0.8 - 0.04 * e for e in range(9)]
    # validation loss up 4.3 % over its best: under the default 8 %
    val = [0.9 - 0.05 * e for e in range(5)] + [0.7 + 0.01 * i for i in range(1, 5)]
    history = {"loss": train, "val_loss": val}
    assert [f.kind for f in tc.diagnose(history)] == []
    assert [f.kind for f in tc.diagnose(history, overfit_rise=0.04)] == ["overfitting"]
    with pytest.raises(TypeError):
        tc.diagnose(history, not_a_threshold=1)


def test_a_converged_loss_wobbling_near_zero_is_not_unstable():
    # the demo's loss: 0.9 down to 1e-4, then "jumps" to 2e-3 (20x, and
    # invisible on the chart)
    loss = [
        0.9,
        0.2,
        0.1,
        0.05,
        0.02,
        0.01,
        0.004,
        0.001,
        0.0002,
        0.0001,
        0.002,
        0.0005,
    ]
    kinds = [f.kind for f in tc.diagnose({"loss": loss})]
    assert "unstable" not in kinds
    # the same jump on a curve that lives at that scale is one
    assert "unstable" in [
        f.kind
        for f in tc.diagnose({"loss": [0.9, 0.5, 0.3, 0.2, 0.15, 0.12, 0.6, 0.3]})
    ]


def test_the_demo_run_gets_no_problem_finding(digits):
    """examples/demo.ipynb's run, fitted for real: the README's headline
    panel. Its training loss converges near zero with small wobbles and its
    validation loss drifts up within its own noise: no finding."""
    keras = pytest.importorskip("keras")
    from sklearn.model_selection import train_test_split

    x, y = digits
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=0.25, random_state=0, stratify=y
    )
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=30,
        batch_size=16,
        verbose=0,
    )
    assert tc.diagnose(history) == []


@pytest.mark.parametrize(
    ("train", "val"),
    [("loss", "val_loss"), ("Train Loss", "Valid Loss"), ("reg_loss", "reg_val_loss")],
)
def test_twins_are_paired_however_they_are_spelled(train, val):
    # names as real logs spell them (metrics.role): the panel puts each pair
    # on one chart, and the diagnosis reads the same pair
    falls = [1.0 / (1 + e) for e in range(20)]
    rises = [0.8 - 0.05 * e for e in range(8)] + [0.45 + 0.04 * e for e in range(12)]
    run = tc.Run.from_history({train: falls, val: rises}, name="spelled")
    (finding,) = [f for f in tc.diagnose(run) if f.kind == "overfitting"]
    assert finding.metric == val


def kinds_of(history):
    return [f.kind for f in tc.diagnose(history)]


def test_one_bad_batch_that_recovers_is_not_instability():
    # a long run's tail: one spike, then back below where it was
    loss = [0.03 - 0.0005 * i for i in range(25)] + [0.34, 0.06, 0.03, 0.018, 0.012]
    assert "unstable" not in kinds_of({"loss": loss})
    # (one that stays up is: test_a_converged_loss_wobbling_near_zero_...)


def test_setbacks_need_progress_to_give_back():
    # a loss that never fell (it rose, then wobbled) gives nothing back
    rising = [2.3, 2.8, 3.2, 2.6, 3.2, 2.7, 3.0, 3.4, 4.0, 2.8, 4.0, 2.9]
    assert "unstable" not in kinds_of({"loss": rising})
    # nor does one that barely moved: its wobble is noise around its level
    flat = [1.393, 1.383, 1.379, 1.374, 1.364, 1.375, 1.379, 1.372, 1.381, 1.373]
    assert "unstable" not in kinds_of({"loss": flat})
    # a policy-gradient loss lives below zero: no progress to measure
    reinforce = [-19.0, -23.0, -99.0, -24.0, -26.0, -12.0, -23.0, -34.0, -77.0]
    assert "unstable" not in kinds_of({"loss": reinforce})


def test_train_far_above_a_validation_loss_of_zero_is_not_a_blow_up():
    train = [8.4, 1.3, 0.6, 0.3, 0.25, 0.2, 0.3, 0.15, 0.2, 0.1]
    test = [1.4, 0.5, 1e-9, 2e-9, 0.0, 0.0, 1e-8, 0.0, 3e-9, 0.0]
    assert "unstable" not in kinds_of({"loss": train, "test_loss": test})
    # a validation loss with a level of its own makes the ratio mean something
    assert "unstable" in kinds_of(
        {"loss": [3e13, 5e12, 1.6e12], "val_loss": [105.0, 102.0, 99.0]}
    )


def test_a_classifier_that_learned_little_underfits():
    # 25 classes: the loss starts near ln 25 and is still two thirds of it,
    # accuracy 0.3: still falling, but far from learned
    loss = [3.24, 2.72, 2.42, 2.27, 2.21, 2.15, 2.13, 2.08, 2.03, 2.01]
    acc = [0.12, 0.14, 0.18, 0.21, 0.24, 0.25, 0.26, 0.28, 0.30, 0.31]
    (finding,) = tc.diagnose({"loss": loss, "accuracy": acc})
    assert finding.kind == "underfitting" and "guessing among 26" in finding.message
    # the same losses with accuracy near 1: a fine model on an odd scale
    assert kinds_of({"loss": loss, "accuracy": [0.95] * 10}) == []


def test_a_small_steady_rise_on_a_smooth_validation_curve_is_overfitting():
    loss = [6.29, 5.80, 5.45, 5.17, 4.93, 4.69, 4.43, 4.30, 4.17, 4.05, 3.99]
    val = [6.161, 5.973, 5.877, 5.88, 5.88, 5.924, 5.967, 6.015, 6.058, 6.076, 6.095]
    (finding,) = tc.diagnose({"loss": loss, "val_loss": val})
    assert finding.kind == "overfitting" and finding.confidence == "medium"
    assert finding.evidence["best"] == 5.877


def test_a_rise_too_small_to_see_on_the_chart_is_not_overfitting():
    # validation fell through a decade, then crept up by a sliver of that
    loss = [1.0 / (1 + e) ** 1.5 for e in range(30)]
    val = [0.35, 0.21, 0.14, 0.12, 0.11, 0.1, 0.09, 0.085, 0.08, 0.075]
    val += [0.072, 0.07, 0.069, 0.068, 0.0675, 0.067, 0.0668, 0.0667, 0.0668]
    val += [0.0675 + 0.0006 * i for i in range(11)]  # +10 %
    assert "overfitting" not in kinds_of({"loss": loss, "val_loss": val})


def test_a_late_rise_that_climbs_to_the_end_overfits_however_far_val_fell():
    # the same chart, but validation climbs on to the end, a fifth over its
    # best: labellers call this late overfitting on real runs
    loss = [1.0 / (1 + e) ** 1.5 for e in range(30)]
    val = [0.35, 0.21, 0.14, 0.12, 0.11, 0.1, 0.09, 0.085, 0.08, 0.075]
    val += [0.072, 0.07, 0.069, 0.068, 0.0675, 0.067, 0.0668, 0.0667, 0.0668]
    val += [0.069 + 0.0013 * i for i in range(11)]  # +22 %
    (finding,) = tc.diagnose({"loss": loss, "val_loss": val})
    assert finding.kind == "overfitting" and finding.start == 17
    # a lucky low in a flat, jittery tail is no climb
    flat = [*val[:19], 0.072, 0.068, 0.074, 0.07, 0.073, 0.069, 0.074, 0.07]
    flat += [0.073, 0.071, 0.073]
    assert "overfitting" not in kinds_of({"loss": loss, "val_loss": flat})


def test_validation_below_training_that_climbs_for_good_overfits():
    # a jagged last-batch training loss above a validation curve that rises
    # from its first epoch on and stays up: no lucky best explains it
    rng = random.Random(1)
    loss = [0.9 - 0.004 * e + rng.uniform(-0.3, 0.3) for e in range(60)]
    val = [0.33 + 0.12 * (1 - 0.93**e) for e in range(60)]
    (finding,) = tc.diagnose({"loss": loss, "val_loss": val})
    assert finding.kind == "overfitting" and finding.start == 0
    # the same validation curve wobbling back to where it was is no rise
    back = val[:10] + [val[10] - 0.01 * i for i in range(1, 11)]
    back += [0.34 + 0.01 * (i % 2) for i in range(40)]
    assert "overfitting" not in kinds_of({"loss": loss, "val_loss": back})


def test_a_five_epoch_fine_tune_worse_every_epoch_is_low_confidence_overfitting():
    history = {
        "loss": [0.328, 0.269, 0.248, 0.237, 0.244],
        "eval_loss": [0.411, 0.44, 0.458, 0.447, 0.48],
    }
    (finding,) = tc.diagnose(history)
    assert (finding.kind, finding.confidence) == ("overfitting", "low")
    history["eval_loss"] = [0.411, 0.44, 0.48, 0.43, 0.415]  # back near its best
    assert "overfitting" not in kinds_of(history)


def test_a_three_epoch_fine_tune_that_gets_worse_at_the_end():
    (finding,) = tc.diagnose(
        {"loss": [0.39, 0.23, 0.11], "val_loss": [0.318, 0.320, 0.443]}
    )
    assert (finding.kind, finding.confidence, finding.severity) == (
        "overfitting",
        "low",
        "info",
    )


def test_a_plateau_needs_training_to_go_on():
    val = [1.0, 0.6, 0.5] + [0.44 + 0.001 * (i % 3) for i in range(40)]
    falling = [1.0, 0.7, 0.6] + [0.5 * 0.97**i for i in range(40)]
    assert kinds_of({"loss": falling, "val_loss": val}) == ["plateau"]
    # both flat: converged (or stuck), not a stall while training goes on
    flat = [1.0, 0.7, 0.6] + [0.43 + 0.001 * (i % 2) for i in range(40)]
    assert "plateau" not in kinds_of({"loss": flat, "val_loss": val})
    # still creeping down, by a sliver of its chart: resting at its floor
    creeping = [1.0, 0.7, 0.6] + [0.43 - 0.002 * i for i in range(40)]
    assert "plateau" not in kinds_of({"loss": creeping, "val_loss": val})


def test_a_jump_where_the_learning_rate_steps_down_is_a_new_phase():
    # fine-tuning: layers unfrozen at epoch 9 with a lower rate; both losses
    # jump once and come down again
    loss = [0.9, 0.46, 0.38, 0.33, 0.31, 0.29, 0.28, 0.28]
    loss += [0.61, 0.52, 0.44, 0.39, 0.37, 0.35, 0.32, 0.3, 0.29, 0.27, 0.26, 0.25]
    val = [0.36, 0.27, 0.24, 0.23, 0.22, 0.22, 0.21, 0.22]
    val += [0.32, 0.33, 0.31, 0.29, 0.28, 0.26, 0.25, 0.24, 0.23, 0.22, 0.21, 0.21]
    lr = [1e-3] * 8 + [1e-5] * 12
    assert kinds_of({"loss": loss, "val_loss": val, "learning_rate": lr}) == []
    # the same jump with a steady rate is instability
    steady = {"loss": loss, "val_loss": val, "learning_rate": [1e-3] * 20}
    assert "unstable" in kinds_of(steady)


def test_a_classifier_answering_one_class_underfits():
    loss = [0.52, 0.43, 0.42, 0.415, 0.413, 0.412, 0.41, 0.41, 0.409, 0.41]
    history = {
        "loss": loss,
        "accuracy": [
            0.84,
            0.857,
            0.857,
            0.857,
            0.857,
            0.857,
            0.857,
            0.857,
            0.857,
            0.857,
        ],
        "val_loss": [x + 0.01 for x in loss],
        "val_accuracy": [0.857143] * 10,
    }
    (finding,) = tc.diagnose(history)
    assert finding.kind == "underfitting" and "exactly 0.857" in finding.message
    # the same logged in percent
    percent = history | {
        "accuracy": [100 * a for a in history["accuracy"]],
        "val_accuracy": [85.7143] * 10,
    }
    assert kinds_of(percent) == ["underfitting"]
    # a model that fits its training data is not answering one class
    learning = history | {"accuracy": [0.9 + 0.01 * i for i in range(10)]}
    assert "underfitting" not in kinds_of(learning)


def test_error_metrics_stand_in_for_a_loss_when_none_is_named():
    # LightGBM's record_evaluation: l2 only
    train = [0.0223 - 0.00002 * i for i in range(30)]
    valid = [0.01885 + 0.000001 * (i % 3) for i in range(30)]
    (finding,) = tc.diagnose({"train/l2": train, "valid/l2": valid})
    assert (finding.kind, finding.metric) == ("underfitting", "train/l2")


def test_learned_little_waits_for_the_run_to_end():
    run = tc.Run("live-classifier")
    loss = [3.24, 2.72, 2.42, 2.27, 2.21, 2.15, 2.13, 2.08, 2.03, 2.01]
    with run.live(total_epochs=100):  # (progress lines: no notebook here)
        for epoch, value in enumerate(loss):
            run.log(epoch=epoch, loss=value, accuracy=0.1 + 0.02 * epoch)
        assert tc.diagnose(run) == []  # epoch 10 of 100: where every run starts
    assert [f.kind for f in tc.diagnose(run)] == ["underfitting"]


# A validation curve that jumps from epoch to epoch, then settles well over
# its best for good while training goes on (the shape of a real credit
# scoring log): too rough for the noise test, lasting enough to count.
ROUGH_LOSS = [0.13, 0.04, 0.02, 0.012, 0.008, 0.006, 0.005, 0.0045, 0.004]
ROUGH_LOSS += [0.0035, 0.0032, 0.003, 0.0029, 0.0029, 0.0028, 0.0028, 0.0028]
ROUGH_VAL = [0.23, 0.026, 0.012, 0.012, 0.0084, 0.0044, 0.0028, 0.0064, 0.014]
ROUGH_VAL += [0.0093, 0.010, 0.0061, 0.0114, 0.0101, 0.0105, 0.0098, 0.0108]


def test_a_rough_validation_curve_that_stays_over_its_best_overfits():
    finding, aid = tc.diagnose({"loss": ROUGH_LOSS, "val_loss": ROUGH_VAL})
    assert aid.kind == "noisy_validation"  # a reading aid beside it
    assert (finding.kind, finding.confidence, finding.severity) == (
        "overfitting",
        "low",
        "info",
    )
    assert finding.start == 6 and finding.evidence["best"] == 0.0028


def test_a_rough_rise_while_validation_accuracy_improves_is_not_overfitting():
    acc = [0.80, 0.90, 0.93, 0.94, 0.95, 0.955, 0.96, 0.958, 0.962, 0.965]
    acc += [0.966, 0.968, 0.97, 0.972, 0.975, 0.976, 0.98]
    history = {"loss": ROUGH_LOSS, "val_loss": ROUGH_VAL, "val_accuracy": acc}
    assert "overfitting" not in kinds_of(history)


def test_a_lucky_low_late_in_a_long_rough_run_is_not_overfitting():
    # Validation levels off and wobbles while training goes on falling; the
    # best of 60 rough epochs is one lucky epoch near the end, the epochs
    # after it at the usual level: a stall, not a rise.
    found = []
    for seed in range(10):
        rng = random.Random(seed)
        loss = [0.5 * 0.96**i for i in range(60)]
        val = [0.06 + 0.1 * 0.9**i + rng.gauss(0, 0.01) for i in range(60)]
        val[53] = min(val) - 0.01
        found.append("overfitting" in kinds_of({"loss": loss, "val_loss": val}))
    assert sum(found) <= 1, found


# The weights blow up in the second epoch, before any progress (so no
# setback can be measured), and training recovers: shaped on a real log.
BLOWN_LOSS = [8.3, 7499.0, 187.5, 8.03, 7.84, 7.41, 7.33, 7.26, 7.2, 7.13]
BLOWN_VAL = [8008.3, 229.9, 8.2, 8.19, 8.0, 7.96, 7.92, 7.89, 7.86, 7.84]


def test_a_blow_up_before_any_progress_is_unstable():
    findings = tc.diagnose({"loss": BLOWN_LOSS, "val_loss": BLOWN_VAL})
    spike = next(f for f in findings if f.kind == "unstable")
    assert (spike.start, spike.end, spike.confidence) == (1, 1, "high")
    assert "7.5e+03 at epoch 2, 903 times its usual level" in spike.message
    # the blow-up does not hide what the rest of the run says
    assert len(findings) == len({f.kind for f in findings})


def test_one_leap_nothing_confirms_is_a_bad_batch():
    assert "unstable" not in kinds_of({"loss": BLOWN_LOSS})
    calm = [8.1, 8.0, 8.0, 7.9, 7.9, 7.8, 7.8, 7.8, 7.7, 7.7]
    assert "unstable" not in kinds_of({"loss": BLOWN_LOSS, "val_loss": calm})


def test_a_falling_validation_score_overfits_without_a_validation_loss():
    # A hand-written loop that prints the training loss and validation
    # accuracy only: the accuracy peaks and falls for good while the
    # training loss goes on falling.
    loss = [0.9 * 0.8**i for i in range(14)]
    acc = [0.50, 0.62, 0.70, 0.75, 0.78, 0.80, 0.79, 0.76, 0.74]
    acc += [0.72, 0.71, 0.70, 0.70, 0.69]
    (finding,) = tc.diagnose({"loss": loss, "val_accuracy": acc})
    assert (finding.kind, finding.metric, finding.start) == (
        "overfitting",
        "val_accuracy",
        5,
    )
    assert finding.message.startswith("val_accuracy -13 % from its best (0.8 at")
    # still rising, or wobbling at its best: no finding
    for late in ([0.80, 0.81, 0.82, 0.82, 0.83], [0.80, 0.79, 0.80, 0.81, 0.79]):
        history = {"loss": loss[:10], "val_accuracy": acc[:5] + late}
        assert "overfitting" not in kinds_of(history)


def test_a_gan_s_adversaries_are_not_read_as_losses_to_minimise():
    # The discriminator wins round after round, then loses ground as the
    # generator catches up: the game, not a learning rate too high.
    d = [0.69, 0.5, 0.3, 0.1, 0.05, 0.3, 0.6, 0.2, 0.1, 0.4, 0.25, 0.3]
    g = [0.7, 0.9, 1.4, 2.0, 2.6, 1.5, 0.9, 1.8, 2.2, 1.2, 1.4, 1.3]
    for names in (("d_loss", "g_loss"), ("loss_D", "loss_G")):
        history = dict(zip(names, (d, g)))
        assert kinds_of(history) == [], names
    # ... but a generator that climbs for good while its discriminator
    # collapses has lost the game: that still shows
    d = [1.3 * 0.7**i for i in range(12)]
    g = [0.7 + 0.4 * i for i in range(12)]
    assert kinds_of({"discriminator_loss": d, "generator_loss": g}) == ["divergence"]
    # the same rule leaves an actor-critic's actor and entropy alone
    actor = [-0.001, -0.003, 0.00002, -0.002, -0.001, 0.0001, -0.0015, -0.002]
    assert kinds_of({"actor_loss": actor, "entropy_loss": [1.6] * 8}) == []


def test_chance_level_from_the_starting_loss_only_where_it_tells():
    # a binary cross-entropy that starts at ln 2 and stays there
    flat = [0.694, 0.693, 0.6931, 0.6932, 0.693, 0.6931, 0.693, 0.6931]
    (finding,) = tc.diagnose({"loss": flat, "val_loss": flat})
    assert "about ln 2" in finding.message and "starting loss" in finding.message
    # a loss that starts near ln 10 says nothing about ten classes: every
    # value from 2 up is near the log of some whole number
    slow = [2.34, 2.30, 2.29, 2.27, 2.25, 2.24, 2.22, 2.21, 2.2, 2.2, 2.19]
    for finding in tc.diagnose({"loss": slow, "val_loss": slow}):
        assert "guessing among" not in finding.message


def test_a_loss_that_barely_moves_while_the_score_climbs_is_learning():
    # a segmentation loss on an odd scale: it hardly moves, yet the
    # validation IoU nearly triples
    loss = [0.757, 0.74, 0.725, 0.715, 0.71, 0.706, 0.705, 0.704, 0.704, 0.704]
    iou = [0.23, 0.35, 0.45, 0.52, 0.57, 0.6, 0.61, 0.62, 0.62, 0.62]
    assert "underfitting" not in kinds_of({"loss": loss, "val_iou": iou})
    # without the score, or with one that stays put, it has learned little
    assert kinds_of({"loss": loss}) == ["underfitting"]
    assert kinds_of({"loss": loss, "val_iou": [0.23] * 10}) == ["underfitting"]


def test_a_text_generator_s_loss_near_ln_k_is_not_chance():
    # a summariser's per-token loss that starts and stays near ln 4: no
    # classes to guess among (its ROUGE says what it is)
    loss = [1.40, 1.39, 1.385, 1.383, 1.382, 1.381, 1.38, 1.38]
    rouge = [30.1, 30.5, 30.8, 31.0, 31.1, 31.2, 31.2, 31.3]
    history = {"loss": loss, "val_loss": loss, "val_rouge1": rouge}
    assert all("guessing" not in f.message for f in tc.diagnose(history))
    assert any("guessing" in f.message for f in tc.diagnose({"loss": loss}))


def test_a_fine_tune_whose_validation_falls_at_every_evaluation_still_learns():
    # a pretrained model's loss starts near its floor: a 6 % fall over the
    # run, but validation better at every evaluation, is slow learning
    loss = [2.49, 2.41, 2.39, 2.37, 2.35, 2.32, 2.31, 2.3, 2.29, 2.28, 2.26]
    val = [2.34, 2.3, 2.29, 2.27, 2.25, 2.24, 2.22, 2.21, 2.2, 2.2, 2.19]
    assert kinds_of({"loss": loss, "val_loss": val}) == []
    # the same fall with validation wobbling flat at the end has stalled
    stalled = [2.34, 2.3, 2.27, 2.25, 2.23, 2.22, 2.23, 2.22, 2.23, 2.22, 2.22]
    assert kinds_of({"loss": loss, "val_loss": stalled}) == ["underfitting"]


def test_a_gap_that_never_closes_is_memorising():
    # training accuracy to 0.92 while validation stalls at 0.70 and its loss
    # ends where it started: no best to rise from, overfitting all along
    loss = [1.27, 0.88, 0.70, 0.54, 0.37, 0.46, 0.36, 0.26, 0.32, 0.26]
    acc = [0.55, 0.69, 0.76, 0.81, 0.87, 0.84, 0.88, 0.92, 0.9, 0.92]
    val = [1.05, 0.91, 0.89, 0.92, 1.04, 0.89, 0.96, 1.06, 0.94, 1.03]
    val_acc = [0.63, 0.68, 0.69, 0.71, 0.69, 0.71, 0.71, 0.7, 0.71, 0.71]
    history = {"loss": loss, "accuracy": acc, "val_loss": val, "val_accuracy": val_acc}
    (finding,) = tc.diagnose(history)
    assert finding.kind == "overfitting" and finding.confidence == "medium"
    assert finding.evidence["accuracy_gap"] == pytest.approx(0.21)
    # a gap as wide with validation still improving is a model that learns
    better = [1.05, 0.91, 0.85, 0.8, 0.78, 0.76, 0.75, 0.74, 0.73, 0.72]
    assert "overfitting" not in kinds_of({**history, "val_loss": better})


def test_a_term_rising_while_its_total_falls_is_a_trade_off():
    # a physics-informed net: the data term falls, a small steady-state
    # term climbs a hundredfold as the optimiser trades it off
    data = [0.2 * 0.9**e for e in range(30)]
    term = [4e-6 * 1.2**e for e in range(30)]
    history = {"data_loss": data, "steady_loss": term}
    assert kinds_of(history) == ["divergence"]  # no total: the term diverges
    history["loss"] = [a + b for a, b in zip(data, term)]
    assert kinds_of(history) == []


def test_a_validation_loss_alone_that_climbs_from_its_best_overfits():
    # only val_loss logged: best at epoch 10, then a steady climb to the end
    val = [1.12, 1.05, 1.0, 0.97, 0.95, 0.94, 0.935, 0.934, 0.933, 0.933]
    val += [0.94 + 0.008 * i for i in range(50)]
    (finding,) = tc.diagnose({"val_loss": val})
    assert finding.kind == "overfitting" and finding.confidence == "medium"
    assert "no training loss logged" in finding.message
    # the same curve still falling to its end is a model learning
    assert kinds_of({"val_loss": sorted(val, reverse=True)}) == []


def test_an_agent_is_judged_by_its_reward_not_its_losses():
    rng = random.Random(3)
    # a DQN's TD loss jumps as its targets move; its reward climbs
    td = [abs(rng.gauss(3, 2.5)) + 0.2 for _ in range(50)]
    reward = [-20 + 0.2 * i + rng.gauss(0, 0.5) for i in range(50)]
    assert kinds_of({"train_loss": td, "avg_reward": reward}) == []
    # an agent whose reward never leaves its floor is not learning
    floor = [-50.0] * 100
    floor[40], floor[71] = -45.0, -48.0  # two lucky episodes
    history = {"critic_loss": td * 2, "reward_per_episode": floor}
    (finding,) = tc.diagnose(history)
    assert finding.kind == "underfitting"
    assert "the agent is not learning" in finding.message
    # while it runs, that is an agent still exploring
    running = tc.Run.from_history(history)
    running.status = "running"
    assert tc.diagnose(running) == []


def one_epoch_run(losses):
    run = tc.Run("fine-tune")
    for step, loss in enumerate(losses):
        run.log_batch(step=step, epoch=0, loss=loss)
    run.log(0, loss=sum(losses) / len(losses))
    return run


def test_a_one_epoch_run_is_read_from_its_steps_where_no_trend_is_needed():
    rng = random.Random(5)
    healthy = [2.3 * 0.98**i + rng.uniform(-0.3, 0.3) for i in range(200)]
    assert tc.diagnose(one_epoch_run(healthy)) == []
    # the same value at every step: no weight is being updated
    (frozen,) = tc.diagnose(one_epoch_run([16.7422] * 74))
    assert frozen.kind == "underfitting" and "74 logged steps" in frozen.message
    # three orders of magnitude over the best reached: a step diverged
    blown = [8e7, 1e8, 3e7, 2.6e5, 4e6, 1.0, 3.4, 16.9, 36.2, 17.7] * 3
    blown[25] = 2.3e6
    (spike,) = tc.diagnose(one_epoch_run(blown))
    assert spike.kind == "unstable" and spike.evidence["low"] == 1.0
