"""What layer distributions cost a training epoch, in a real IPython kernel.

The demo's digits model with three layers, ``LivePlot`` alone against
``LivePlot(distributions=[3 layers], sample=x_val[:256])``: epochs are timed
by a callback placed after ours, fits alternate so machine noise hits both
alike, and the probe itself (forward pass on the sample plus the summaries)
is timed on its own. Target: at most 5 % of an epoch.
Run: ``.venv/bin/python bench/layers_overhead.py``.
"""

import textwrap

from kernel import run_in_kernel

KERNEL_CODE = textwrap.dedent(
    """
    import json, os, statistics, time
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    from sklearn.datasets import load_digits
    import traincurves as tc
    from traincurves.integrations.probe import probe_for, record

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    x_train, y_train, x_val, y_val = x[:1347], y[:1347], x[1347:], y[1347:]
    LAYERS = ["hidden", "hidden_2", "logits"]

    def make_model():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([
            keras.Input((64,)),
            keras.layers.Dense(128, activation="relu", name="hidden"),
            keras.layers.Dense(64, activation="relu", name="hidden_2"),
            keras.layers.Dense(10, name="logits"),
        ])
        model.compile(
            optimizer=keras.optimizers.Adam(3e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        return model

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()
        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    epochs = {"plain": [], "layers": []}
    for repeat in range(4):
        for mode in ("plain", "layers"):
            timer = EpochTimer()
            timer.times = []
            extra = {"distributions": LAYERS, "sample": x_val[:256]} if mode == "layers" else {}
            make_model().fit(
                x_train, y_train, validation_data=(x_val, y_val), epochs=8,
                batch_size=16, verbose=0,
                callbacks=[tc.LivePlot(name=mode, **extra), timer],
            )
            epochs[mode] += timer.times[1:]  # the first epoch warms up

    model = make_model()
    model.fit(x_train, y_train, epochs=1, batch_size=16, verbose=0)
    probe, run = probe_for(model, LAYERS), tc.Run("probe")
    probe_times = []
    for epoch in range(30):
        start = time.perf_counter()
        record(run, probe, x_val[:256], epoch, False)
        probe_times.append(time.perf_counter() - start)
    print("RESULT" + json.dumps({
        "plain": statistics.median(epochs["plain"]),
        "layers": statistics.median(epochs["layers"]),
        "probe": statistics.median(probe_times),
    }))
    """
)


def main() -> None:
    out = run_in_kernel(KERNEL_CODE)
    plain, layers, probe = out["plain"], out["layers"], out["probe"]
    print(
        "Layer distributions: 3 layers, 256-sample batch, demo model (85 steps/epoch)"
    )
    print(f"  epoch, LivePlot alone:          median {plain * 1e3:.0f} ms")
    print(f"  epoch, with distributions:      median {layers * 1e3:.0f} ms")
    print(f"  probe per epoch (forward + summaries): {probe * 1e3:.1f} ms")
    print(
        f"  overhead: {probe / plain:.1%} of an epoch from the probe; "
        f"{(layers - plain) / plain:+.1%} in whole epochs (target <= 5 %)"
    )


if __name__ == "__main__":
    main()
