"""What a live panel costs the training loop, measured in a real IPython kernel.

Times ``tc.LivePlot.on_epoch_end`` (including building and publishing the
bundle when the throttle lets an update through) at 10, 100 and 1000 epochs of
4 metrics, next to livelossplot's ``update()+send()`` and the matplotlib
``clear_output`` + redraw recipe, and the per-batch cost with
``batches=True``. Run: ``.venv/bin/python bench/live_overhead.py``.
"""

import textwrap

from kernel import run_in_kernel

KERNEL_CODE = textwrap.dedent(
    """
    import json, math, os, statistics, time
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import numpy as np
    import keras
    import matplotlib
    matplotlib.use("module://matplotlib_inline.backend_inline")
    import matplotlib.pyplot as plt
    from IPython.display import clear_output
    from livelossplot import PlotLosses
    import traincurves as tc
    from traincurves.live import LiveDisplay

    def logs(i):
        return {
            "loss": np.float32(1 / (i + 1)), "accuracy": np.float32(1 - 1 / (i + 2)),
            "val_loss": np.float32(1.1 / (i + 1)), "val_accuracy": np.float32(0.9 - 1 / (i + 3)),
        }

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    out = {"traincurves": {}, "traincurves_publish": {}, "livelossplot": {},
           "matplotlib": {}, "batch_us": None, "messages_per_s": None}

    def med_ms(samples):
        return round(statistics.median(samples) * 1e3, 4)

    for n in (10, 100, 1000):
        for key, every in (("traincurves", 0.25), ("traincurves_publish", 0)):
            cb = tc.LivePlot(name=f"bench-{n}", every=every)
            cb.set_model(model)
            cb.set_params({"epochs": n, "steps": 10, "verbose": 0})
            cb.on_train_begin()
            samples = []
            start = time.monotonic()
            for i in range(n):
                t = time.perf_counter()
                cb.on_epoch_end(i, logs(i))
                samples.append(time.perf_counter() - t)
            cb.on_train_end()
            clear_output()
            # the calls made while the history is about n epochs long
            out[key][n] = med_ms(samples[-max(3, n // 10):])

        plot = PlotLosses()
        for i in range(n - 1):
            plot.update(logs(i))
        samples = []
        for i in range(3):
            t = time.perf_counter()
            plot.update(logs(n + i))
            plot.send()
            samples.append(time.perf_counter() - t)
        clear_output()
        out["livelossplot"][n] = med_ms(samples)

        history = {k: [] for k in logs(0)}
        for i in range(n - 1):
            for k, v in logs(i).items():
                history[k].append(float(v))
        samples = []
        for i in range(3):
            t = time.perf_counter()
            for k, v in logs(n + i).items():
                history[k].append(float(v))
            clear_output(wait=True)
            fig, axes = plt.subplots(1, 2, figsize=(12, 4))
            for ax, metric in zip(axes, ("loss", "accuracy")):
                ax.plot(history[metric], label=metric)
                ax.plot(history["val_" + metric], label="val_" + metric)
                ax.legend()
            plt.show()
            samples.append(time.perf_counter() - t)
        clear_output()
        out["matplotlib"][n] = med_ms(samples)

    # Updates sent while epochs end every 2 ms for 3 s: the throttle decides.
    cb = tc.LivePlot(name="rate")
    cb.set_model(model)
    cb.set_params({"epochs": 1500, "steps": 1, "verbose": 0})
    cb.on_train_begin()
    start = time.monotonic()
    for i in range(1500):
        cb.on_epoch_end(i, logs(i))
        time.sleep(0.002)
    duration = time.monotonic() - start
    panel = next(f for f in cb.run.followers if isinstance(f, LiveDisplay))
    updates = panel.sent - 1
    cb.on_train_end()
    clear_output()
    out["messages_per_s"] = round(updates / duration, 2)

    cb = tc.LivePlot(name="batches", batches=True)
    cb.set_model(model)
    cb.set_params({"epochs": 10, "steps": 10000, "verbose": 0})
    cb.on_train_begin()
    batch_logs = {"loss": np.float32(0.5), "accuracy": np.float32(0.5)}
    t = time.perf_counter()
    for epoch in range(10):
        for step in range(10000):
            cb.on_train_batch_end(step, batch_logs)
        cb.on_epoch_end(epoch, logs(epoch))
    per_batch = (time.perf_counter() - t) / 100000
    cb.on_train_end()
    clear_output()
    out["batch_us"] = round(per_batch * 1e6, 2)
    print("RESULT" + json.dumps(out))
    """
)


def main() -> None:
    out = run_in_kernel(KERNEL_CODE)

    print("on_epoch_end cost, median ms, history of N epochs x 4 metrics (real kernel)")
    print(
        f"{'N':>6} {'traincurves':>12} {'(publish)':>10} {'livelossplot':>13} "
        f"{'matplotlib':>11} {'llp/tc':>8} {'mpl/tc':>8}"
    )
    for n in ("10", "100", "1000"):
        tc_ms = out["traincurves"][n]
        print(
            f"{n:>6} {tc_ms:>12.4f} {out['traincurves_publish'][n]:>10.3f} "
            f"{out['livelossplot'][n]:>13.1f} {out['matplotlib'][n]:>11.1f} "
            f"{out['livelossplot'][n] / tc_ms:>8.0f} {out['matplotlib'][n] / tc_ms:>8.0f}"
        )
    print("targets: traincurves <= 1 ms at 1000 epochs (default throttle)")
    print(f"per batch with batches=True: {out['batch_us']} us (target <= 20 us)")
    print(
        f"IOPub updates/s from one LivePlot, an epoch every 2 ms: "
        f"{out['messages_per_s']} (throttle: 4/s)"
    )


if __name__ == "__main__":
    main()
