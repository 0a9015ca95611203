"""Layer activation and weight distributions: summaries, probes, the payload.

Every summary is computed with numpy; Keras and torch only where a test
uses them.
"""

import json
import math
import warnings

import pytest
from conftest import digits_model

import traincurves as tc
from traincurves.layers import Distribution, summarise
from traincurves.payload import MIME_TYPE, payload

np = pytest.importorskip("numpy")


def test_summary_of_a_known_tensor_is_exact():
    summary = summarise(np.arange(101).reshape(1, 101), bins=10)
    assert summary.size == 101
    assert summary.quantiles == (0, 5, 25, 50, 75, 95, 100)
    assert (summary.low, summary.high) == (0, 100)
    assert summary.counts == (10,) * 9 + (11,)  # the last bin holds 100 too
    assert summary.zeros == pytest.approx(1 / 101)
    assert summary.nonfinite == 0


def test_non_finite_values_are_counted_and_left_out_of_the_rest():
    summary = summarise([0.0, 0.0, 1.0, math.nan, math.inf], bins=2)
    assert summary.nonfinite == pytest.approx(2 / 5)
    assert summary.zeros == pytest.approx(2 / 5)
    assert summary.quantiles[0] == 0 and summary.quantiles[-1] == 1
    assert summary.counts == (2, 1)
    empty = summarise([math.nan, math.nan], bins=3)
    assert empty.quantiles is None and empty.counts == (0, 0, 0)


def test_torch_tensors_are_read_without_their_graph():
    torch = pytest.importorskip("torch")
    weights = torch.ones(4, 4, requires_grad=True) * 2
    assert summarise(weights).quantiles[3] == 2
    assert summarise(torch.zeros(8, dtype=torch.bfloat16)).zeros == 1


def test_keras_tensors_are_read():
    keras = pytest.importorskip("keras")
    assert summarise(keras.ops.ones((3, 3))).size == 9


@pytest.mark.parametrize(
    "values, error",
    [(["a", "b"], TypeError), ([], ValueError), (np.array([1j]), TypeError)],
)
def test_bad_tensors_are_refused_with_a_reason(values, error):
    with pytest.raises(error):
        summarise(values)


def test_a_fit_records_one_summary_per_epoch_per_layer(digits, shell):
    keras = pytest.importorskip("keras")
    x, y = digits
    model = digits_model()
    model.fit(
        x[:1200],
        y[:1200],
        validation_data=(x[1200:], y[1200:]),
        epochs=3,
        batch_size=64,
        verbose=0,
        callbacks=[
            tc.LivePlot(
                name="layers", distributions=["hidden", -1], sample=x[1200:1456]
            )
        ],
    )
    run = shell.messages[-1]["data"][MIME_TYPE]["runs"][0]
    shown = {d["name"]: d for d in run["distributions"]}
    assert set(shown) == {"hidden", "logits"}
    for name, units in (("hidden", 16), ("logits", 10)):
        layer = shown[name]
        assert layer["kind"] == "activations"
        assert layer["epochs"] == [1, 2, 3]
        assert layer["size"] == 256 * units
        assert all(len(layer["quantiles"][q]) == 3 for q in layer["quantiles"])
        assert all(sum(c) == 256 * units for c in layer["histogram"]["counts"])
    # ReLU outputs are never negative; the logits are
    assert min(shown["hidden"]["quantiles"]["min"]) == 0
    assert min(shown["logits"]["quantiles"]["min"]) < 0
    # the summary is the tensor's, computed on the model after that epoch
    probe = keras.Model(model.inputs, model.layers[0].output)
    now = summarise(probe([x[1200:1456]]))
    assert shown["hidden"]["quantiles"]["p50"][-1] == pytest.approx(now.quantiles[3])
    # only summaries travel: the payload stays small
    assert len(json.dumps(run["distributions"])) < 4_000


def test_weights_are_summarised_when_asked(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    model = digits_model()
    callback = tc.LivePlot(distributions=[0], sample=x[:32], weights=True)
    model.fit(x[:256], y[:256], epochs=2, verbose=0, callbacks=[callback])
    kinds = {name: d.kind for name, d in callback.run.distributions.items()}
    assert kinds == {
        "hidden": "activations",
        "hidden/kernel": "weights",
        "hidden/bias": "weights",
    }
    assert callback.run.distributions["hidden/kernel"].summaries[0].size == 64 * 16


def test_an_unknown_layer_stops_fit_before_training_and_lists_the_layers(digits):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    model = digits_model()
    callback = tc.LivePlot(distributions=["hidden", "conv2d"], sample=x[:8])
    with pytest.raises(ValueError, match=r"no layer named 'conv2d'.*hidden, logits"):
        model.fit(x[:64], y[:64], epochs=1, verbose=0, callbacks=[callback])
    with pytest.raises(ValueError, match="out of range"):
        tc.distributions(model, x[:8], layers=[5])
    with pytest.raises(ValueError, match="needs sample="):
        tc.LivePlot(distributions=["hidden"])


def test_a_dead_relu_layer_is_flagged(digits, shell):
    keras = pytest.importorskip("keras")
    x, y = digits
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(
                16,
                activation="relu",
                name="dead",
                bias_initializer=keras.initializers.Constant(-100.0),
            ),
            keras.layers.Dense(10),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(
        x[:256],
        y[:256],
        epochs=2,
        verbose=0,
        callbacks=[tc.LivePlot(distributions=["dead"], sample=x[:64])],
    )
    (layer,) = shell.messages[-1]["data"][MIME_TYPE]["runs"][0]["distributions"]
    assert layer["zeros"] == [1.0, 1.0]
    assert [h["kind"] for h in layer["hints"]] == ["dead"]
    assert "dead: 100% of activations are exactly zero" in layer["hints"][0]["message"]
    assert "dead" in shell.messages[-1]["data"]["text/plain"]


def test_exploding_and_non_finite_values_are_flagged():
    growing = Distribution("dense")
    for epoch, scale in enumerate([1, 2, 4, 12]):
        growing.add(epoch, summarise(np.linspace(-scale, scale, 100)))
    (hint,) = growing.hints()
    assert hint["kind"] == "exploding" and hint["epoch"] == 4
    assert "grew 12x" in hint["message"]

    broken = Distribution("dense")
    broken.add(0, summarise([1.0, 2.0]))
    broken.add(1, summarise([1.0, math.nan]))
    (hint,) = broken.hints()
    assert hint["kind"] == "exploding" and "NaN" in hint["message"]

    healthy = Distribution("dense")
    for epoch in range(4):
        healthy.add(epoch, summarise(np.linspace(-1, 1, 100) * (1 + epoch / 10)))
    assert healthy.hints() == []


def test_a_broken_probe_warns_once_and_training_goes_on(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    callback = tc.LivePlot(distributions=["hidden"], sample=np.zeros((4, 7)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        digits_model().fit(x[:128], y[:128], epochs=3, verbose=0, callbacks=[callback])
    mine = [w for w in caught if "distributions stopped" in str(w.message)]
    assert len(mine) == 1
    assert callback.run.status == "finished" and len(callback.run) == 3
    assert callback.run.distributions == {}


def test_a_snapshot_of_a_keras_model(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, _ = digits
    tc.distributions(digits_model(), x[:100], name="keras now")
    run = shell.messages[-1]["data"][MIME_TYPE]["runs"][0]
    assert run["name"] == "keras now" and run["status"] == "finished"
    assert [d["name"] for d in run["distributions"]] == ["hidden", "logits"]
    assert [d["epochs"] for d in run["distributions"]] == [[1], [1]]


def test_a_snapshot_of_a_torch_module(digits, shell):
    torch = pytest.importorskip("torch")
    x, _ = digits
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    ).train()
    tc.distributions(net, x[:100], layers=["1", "2"], weights=True)
    run = shell.messages[-1]["data"][MIME_TYPE]["runs"][0]
    names = [d["name"] for d in run["distributions"]]
    assert names == ["1", "2", "2/weight", "2/bias"]
    relu = run["distributions"][0]
    assert relu["quantiles"]["min"] == [0] and relu["size"] == 100 * 32
    assert net.training  # the probe put the module back in training mode
    with pytest.raises(ValueError, match=r"no layer named 'fc'.*0, 1, 2"):
        tc.distributions(net, x[:10], layers=["fc"])


def test_distributions_survive_a_run_file(tmp_path):
    run = tc.Run("saved")
    for epoch in range(3):
        run.log(epoch, loss=1 / (epoch + 1))
        run.log_distribution("dense", np.arange(10.0) * (epoch + 1))
    run.log_distribution("dense/kernel", [[0.5, -0.5]], kind="weights")
    run.finish()
    loaded = tc.load(run.save(tmp_path / "run.json"))
    before, after = payload([run]), payload([loaded])
    assert after["runs"][0]["distributions"] == before["runs"][0]["distributions"]


def test_layer_summaries_travel_through_json_lines(digits, tmp_path):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    path = tmp_path / "layers.jsonl"
    logger = tc.JSONLogger(path, distributions=["hidden"], sample=x[:64])
    digits_model().fit(x[:256], y[:256], epochs=2, verbose=0, callbacks=[logger])
    written = logger.run.distributions["hidden"]
    loaded = tc.load(path).distributions["hidden"]
    assert loaded.epochs == written.epochs == [0, 1]
    assert loaded.summaries == written.summaries  # exact, bins and all


def test_a_run_that_starts_writing_late_writes_its_summaries(tmp_path):
    run = tc.Run("late")
    run.log_distribution("w", [1.0, 2.0, 0.0], epoch=0, kind="weights")
    run.log_to(tmp_path / "late.jsonl")
    run.log_distribution("w", [1.0, 4.0, 0.0], epoch=1, kind="weights")
    run.finish()
    again = tc.load(tmp_path / "late.jsonl").distributions["w"]
    assert again.kind == "weights" and again.epochs == [0, 1]
    assert again.summaries[1].quantiles[-1] == 4.0


def test_an_epoch_and_its_layer_summaries_arrive_in_one_update(digits, shell):
    pytest.importorskip("keras")  # digits_model
    x, y = digits
    callback = tc.LivePlot(distributions=["hidden"], sample=x[:32], every=0)
    digits_model().fit(x[:256], y[:256], epochs=4, verbose=0, callbacks=[callback])
    runs = [
        m["data"][MIME_TYPE]["runs"][0]
        for m in shell.messages
        if MIME_TYPE in m.get("data", {})
    ]
    assert len(runs) >= 5  # the first display, one per epoch, the final one
    for run in runs:
        layers = run.get("distributions", [])
        shown = layers[0]["epochs"] if layers else []
        assert shown == run["epochs"]  # never a summary ahead of its epoch


def test_gradient_norms_need_layers_of_a_torch_module():
    torch = pytest.importorskip("torch")
    from traincurves.integrations.probe import Recorder

    net = torch.nn.Sequential(torch.nn.Linear(4, 2))
    with pytest.raises(ValueError, match="gradients=True needs distributions="):
        Recorder(None, None, False, gradients=True).attach(net)
    recorder = Recorder(["0"], torch.zeros(3, 4), False, gradients=True)
    recorder.attach(net)
    for _ in range(3):  # three steps of an epoch
        net.zero_grad()
        net(torch.ones(3, 4)).sum().backward()
        recorder.after_backward()
    run = tc.Run("grads")
    recorder.record(run, 0)
    norms = run.distributions["0/grad_norm"]
    assert norms.kind == "gradients" and norms.summaries[0].size == 3
    weight_grad = torch.ones(2, 4) * 3  # d(sum)/dW: each input row adds 1
    expected = torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(weight_grad), torch.tensor(3.0 * 2**0.5)])
    )
    assert norms.summaries[0].quantiles[3] == pytest.approx(float(expected))


def test_live_updates_of_many_layers_over_many_epochs_stay_under_the_cap():
    from traincurves.live import Update
    from traincurves.payload import MIME_TYPE, bundle

    rng = np.random.default_rng(0)
    run = tc.Run("deep")
    for epoch in range(500):
        run.log(epoch, loss=1 / (epoch + 1))
        for layer in range(10):
            run.log_distribution(f"layer{layer}", rng.normal(size=64), epoch)
    live = bundle([run], update=Update(final=False, static=None))[MIME_TYPE]
    assert len(json.dumps(live)) <= 1_000_000 / 4
    shown = live["runs"][0]["distributions"][0]["epochs"]
    assert shown[0] == 1 and shown[-1] == 500 and len(shown) < 500
    run.finish()
    final = bundle([run], static=False)[MIME_TYPE]["runs"][0]["distributions"][0]
    assert len(final["epochs"]) == 500


def test_a_probe_leaves_frozen_parts_of_a_module_as_they_were():
    torch = pytest.importorskip("torch")
    net = torch.nn.Sequential(
        torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU()
    ).train()
    net[1].eval()  # the user froze the batch norm
    tc.distributions(net, torch.randn(8, 4), layers=[0])
    assert net.training and net[0].training and not net[1].training


def test_weights_of_nested_layers_keep_their_own_names():
    keras = pytest.importorskip("keras")
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")
    inputs = keras.Input((3, 8))
    model = keras.Model(inputs, layer(inputs, inputs))
    from traincurves.integrations.probe import probe_for

    names = list(probe_for(model, ["mha"]).weights())
    assert len(names) == len(set(names)) == len(layer.weights) == 8
    assert "mha/query/kernel" in names and "mha/key/kernel" in names


def test_values_at_the_edge_of_the_float_range_are_summarised():
    summary = summarise([-1e308, 0.0, 1e308])
    assert summary.quantiles[0] == -1e308 and summary.quantiles[-1] == 1e308
    assert math.isfinite(summary.quantiles[3]) and sum(summary.counts) == 3


def test_a_distribution_logged_in_a_loop_lands_on_the_epoch_being_trained():
    run = tc.Run("loop")
    for epoch in range(3):
        run.log_distribution("dense", [epoch, epoch + 1.0])  # before its log
        run.log(epoch, loss=1.0)
    assert run.distributions["dense"].epochs == [0, 1, 2]
