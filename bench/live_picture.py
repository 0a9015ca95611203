"""The live picture: what it costs to put ``image/svg+xml`` in the updates a
panel gets while its run trains.

Run: ``.venv/bin/python bench/live_picture.py``. Targets: the picture drawn
in <= 5 ms and <= 40 KB at 1000 epochs x 4 metrics. For each history length
it prints the drawing's time and size, then the bytes of one live update
(the bundle as JSON, as IOPub carries it) without the picture, with a new
drawing and with the last drawing sent again, and what a second of
training sends at the default 4 updates a second (one new drawing a
second, the last one re-sent by the three others) against no live picture
(``tc.configure(live_static=False)``): the bytes a frontend known to have
the extension would save.

Times are this thread's CPU time (median): the development machine is
shared, and wall-clock medians there count the time other jobs held the
CPU too.
"""

import json
import statistics
import time

from static_size import history

import traincurves as tc
from traincurves.live import DEFAULT_EVERY, Update
from traincurves.payload import MIME_TYPE, bundle, payload, settings
from traincurves.static import render


def median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.thread_time()
        action()
        times.append(time.thread_time() - start)
    return statistics.median(times) * 1e3


def running(epochs: int) -> tc.Run:
    run = tc.Run.from_history(history(epochs), name="bench")
    run.status = "running"
    run.total_epochs = 2 * epochs
    return run


def size(data: dict) -> int:
    return len(json.dumps(data).encode())


def measure(epochs: int, repeats: int) -> None:
    runs = [running(epochs)]
    live = payload(runs, max_bytes=settings().max_bytes // 4, live=True)
    draw_ms = median_ms(lambda: render(live), repeats)
    drawn = bundle(runs, update=Update(False, None))
    picture = drawn["image/svg+xml"]
    reused = bundle(runs, update=Update(False, None, picture=picture))
    assert reused["image/svg+xml"] is picture
    plain = {k: v for k, v in drawn.items() if k != "image/svg+xml"}
    bundle_ms = median_ms(lambda: bundle(runs, update=Update(False, None)), repeats)
    reuse_ms = median_ms(
        lambda: bundle(runs, update=Update(False, None, picture=picture)), repeats
    )
    per_second = round(1 / DEFAULT_EVERY)
    with_picture = size(drawn) * per_second
    without = size(plain) * per_second
    print(
        f"{epochs:>7} {len(picture.encode()) / 1e3:>8.1f} {draw_ms:>8.2f} "
        f"{size(plain) / 1e3:>9.1f} {size(drawn) / 1e3:>9.1f} "
        f"{bundle_ms:>9.2f} {reuse_ms:>9.2f} "
        f"{with_picture / 1e3:>9.1f} {without / 1e3:>9.1f} "
        f"{(with_picture - without) / with_picture:>7.0%}"
    )
    assert MIME_TYPE in plain


def main() -> None:
    print("1 run x 4 metrics, running; sizes in KB, times in ms (median)")
    print(
        f"{'epochs':>7} {'svg KB':>8} {'draw ms':>8} "
        f"{'upd KB':>9} {'+svg KB':>9} {'upd+draw':>9} {'upd+reuse':>9} "
        f"{'KB/s svg':>9} {'KB/s no':>9} {'saved':>7}"
    )
    for epochs, repeats in ((30, 50), (100, 50), (1000, 30), (10_000, 10)):
        measure(epochs, repeats)


if __name__ == "__main__":
    main()
