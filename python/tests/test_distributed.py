"""A real two-process torch.distributed run (gloo, CPU) logging JSON Lines."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("torch")

WORKER = textwrap.dedent(
    """
    import os, sys
    import torch
    import torch.distributed as dist
    import traincurves as tc

    rank = int(os.environ["RANK"])
    # A file store: no TCP port to race for on a busy machine.
    dist.init_process_group(
        "gloo", init_method="file://" + sys.argv[3], rank=rank, world_size=2
    )
    torch.manual_seed(0)
    model = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(4, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(64, 4) + rank
    y = x.sum(1, keepdim=True)
    run = tc.Run("ddp", params={"world_size": 2})
    run.log_to(sys.argv[1], per_rank=sys.argv[2] == "per_rank")
    for epoch in range(3):
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        run.log(epoch=epoch, loss=loss.item())
    run.finish()
    # Both ranks leave together: a rank tearing gloo down while the other
    # still talks to it aborts.
    dist.barrier()
    dist.destroy_process_group()
    # gloo's threads can still be winding down when the interpreter's C++
    # destructors run, which aborts ("terminate called without an active
    # exception") after all the work is done: the files are closed, leave now.
    sys.stdout.flush()
    os._exit(0)
    """
)


# The workers import this checkout's package, as the tests do.
SOURCE = str(Path(__file__).resolve().parents[1])


@pytest.mark.parametrize("mode", ["rank0", "per_rank"])
def test_two_process_gloo_run(tmp_path, mode):
    path = tmp_path / "ddp.jsonl"
    store = tmp_path.parent / f"{tmp_path.name}.store"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), mode, str(store)],
            env={
                **os.environ,
                "PYTHONPATH": SOURCE,
                "RANK": str(rank),
                "WORLD_SIZE": "2",
            },
            stderr=subprocess.PIPE,
            text=True,
        )
        for rank in (0, 1)
    ]
    codes = [w.wait(timeout=120) for w in workers]
    assert codes == [0, 0], [w.stderr.read()[-2000:] for w in workers]
    files = sorted(p.name for p in tmp_path.iterdir())
    if mode == "rank0":
        assert files == ["ddp.jsonl"]
    else:
        assert files == ["ddp.rank0.jsonl", "ddp.rank1.jsonl"]
    for name in files:
        kinds = [
            json.loads(line)["type"]
            for line in (tmp_path / name).read_text().splitlines()
        ]
        assert kinds == ["start", "epoch", "epoch", "epoch", "end"]
