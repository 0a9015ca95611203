"""A real two-process torch.distributed run (gloo, CPU) logging JSON Lines."""

import json
import os
import socket
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
    dist.init_process_group("gloo", rank=rank, world_size=2)
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
    dist.destroy_process_group()
    """
)


# The workers import this checkout's package, as the tests do.
SOURCE = str(Path(__file__).resolve().parents[1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("mode", ["rank0", "per_rank"])
def test_two_process_gloo_run(tmp_path, mode):
    path = tmp_path / "ddp.jsonl"
    port = str(free_port())
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), mode],
            env={
                **os.environ,
                "PYTHONPATH": SOURCE,
                "RANK": str(rank),
                "WORLD_SIZE": "2",
                "MASTER_ADDR": "127.0.0.1",
                "MASTER_PORT": port,
            },
        )
        for rank in (0, 1)
    ]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
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
