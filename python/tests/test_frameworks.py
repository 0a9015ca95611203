"""Lightning and Hugging Face callbacks, each in a real (tiny) training run."""

import sys

import pytest

import traincurves as tc
from traincurves.payload import MIME_TYPE


@pytest.fixture(scope="module")
def digits_tensors():
    torch = pytest.importorskip("torch")
    datasets = pytest.importorskip("sklearn.datasets")

    x, y = datasets.load_digits(return_X_y=True)
    return torch.tensor(x / 16.0, dtype=torch.float32), torch.tensor(y)


def last_run(shell):
    return shell.messages[-1]["data"][MIME_TYPE]["runs"][0]


def test_lightning_fit_shows_train_and_validation(digits_tensors, shell):
    torch = pytest.importorskip("torch")
    pl = pytest.importorskip("lightning.pytorch")
    from torch.utils.data import DataLoader, TensorDataset

    class Digits(pl.LightningModule):
        def __init__(self, lr=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
            )

        def forward(self, x):
            return self.net(x)

        def step(self, batch):
            x, y = batch
            logits = self(x)
            loss = torch.nn.functional.cross_entropy(logits, y)
            return loss, (logits.argmax(1) == y).float().mean()

        def training_step(self, batch, i):
            loss, acc = self.step(batch)
            self.log("train_loss", loss, on_step=True, on_epoch=True)
            self.log("train_acc", acc, on_epoch=True, on_step=False)
            return loss

        def validation_step(self, batch, i):
            loss, acc = self.step(batch)
            self.log("val_loss", loss)
            self.log("val_acc", acc)

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)

    pl.seed_everything(0)
    x, y = digits_tensors
    train = DataLoader(TensorDataset(x[:1200], y[:1200]), batch_size=200)
    val = DataLoader(TensorDataset(x[1200:], y[1200:]), batch_size=200)
    callback = tc.lightning.LivePlot(
        name="pl",
        batches=True,
        distributions=["net.0", "net.1"],
        sample=x[1200:1264],
        gradients=True,
    )
    trainer = pl.Trainer(
        max_epochs=3,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[callback],
    )
    trainer.fit(Digits(), train, val)

    run = last_run(shell)
    assert run["status"] == "finished"
    assert run["epochs"] == [1, 2, 3]
    assert set(run["metrics"]) == {"train_loss", "train_acc", "val_loss", "val_acc"}
    assert all(v is not None for v in run["metrics"]["val_loss"])
    assert run["params"] == {"lr": 0.01}
    assert run["batches"]["count"] == 18  # 3 epochs x 6 batches
    assert run["batches"]["x"][5] == 1.0
    # the validation loss falls on this easy problem
    assert run["metrics"]["val_loss"][-1] < run["metrics"]["val_loss"][0]
    # forward hooks read the linear layer and its ReLU each epoch
    linear, relu, grads = run["distributions"]
    assert (linear["name"], relu["name"]) == ("net.0", "net.1")
    # the linear layer's gradient norm at each of an epoch's 6 steps
    assert (grads["name"], grads["kind"]) == ("net.0/grad_norm", "gradients")
    assert grads["epochs"] == [1, 2, 3] and grads["size"] == 6
    assert all(q > 0 for q in grads["quantiles"]["min"])
    assert linear["epochs"] == relu["epochs"] == [1, 2, 3]
    assert linear["size"] == 64 * 32
    assert min(relu["quantiles"]["min"]) == 0 and min(linear["quantiles"]["min"]) < 0


def test_huggingface_trainer_run(digits_tensors, shell, tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
            )

        def forward(self, x, labels=None):
            logits = self.net(x)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            return {"loss": loss, "logits": logits}

    x, y = digits_tensors
    train = [{"x": a, "labels": b} for a, b in zip(x[:1000], y[:1000])]
    val = [{"x": a, "labels": b} for a, b in zip(x[1000:1400], y[1000:1400])]
    transformers.set_seed(0)
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path),
        num_train_epochs=3,
        per_device_train_batch_size=100,
        learning_rate=5e-3,
        eval_strategy="epoch",
        logging_steps=2,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = transformers.Trainer(
        model=Net(),
        args=args,
        train_dataset=train,
        eval_dataset=val,
        callbacks=[tc.transformers.LivePlot(name="hf")],
    )
    trainer.train()

    run = last_run(shell)
    assert run["status"] == "finished"
    assert run["epochs"] == [1, 2, 3]
    assert run["params"]["learning_rate"] == 5e-3
    assert {"loss", "eval_loss"} <= set(run["metrics"])
    assert all(v is not None for v in run["metrics"]["eval_loss"])
    assert all(v is not None for v in run["metrics"]["loss"])
    # 10 steps per epoch, logged every 2: batch points at 0.2, 0.4, ... epochs
    assert run["batches"]["x"][:3] == pytest.approx([0.2, 0.4, 0.6])
    assert "learning_rate" in run["batches"]["metrics"]


def test_huggingface_callback_fed_trainer_states(shell):
    """The callback reads TrainerState as the Trainer fills it: real objects,
    a run of uneven logging, no model needed (nor torch)."""
    pytest.importorskip("transformers")
    from transformers import TrainerControl, TrainerState, TrainingArguments

    args = TrainingArguments(output_dir="unused", num_train_epochs=2, report_to=[])
    state = TrainerState(max_steps=8, num_train_epochs=2, is_world_process_zero=True)
    control = TrainerControl()
    callback = tc.transformers.LivePlot(name="states")
    callback.on_train_begin(args, state, control)
    for step in range(1, 9):
        state.global_step, state.epoch = step, step / 4
        callback.on_log(
            args, state, control, logs={"loss": 1.0 / step, "epoch": state.epoch}
        )
        if step % 4 == 0:
            callback.on_epoch_end(args, state, control)
            callback.on_log(
                args,
                state,
                control,
                logs={"eval_loss": 2.0 / step, "eval_runtime": 0.1},
            )
    state.global_step = 6  # as if an EarlyStoppingCallback ended it at step 6
    callback.on_train_end(args, state, control)

    run = last_run(shell)
    assert run["epochs"] == [1, 2]
    assert run["metrics"]["loss"] == pytest.approx(
        [(1 + 1 / 2 + 1 / 3 + 1 / 4) / 4, (1 / 5 + 1 / 6 + 1 / 7 + 1 / 8) / 4]
    )
    assert run["metrics"]["eval_loss"] == [0.5, 0.25]
    assert "eval_runtime" not in run["metrics"]
    assert run["status"] == "stopped_early"


def test_huggingface_jsonlogger_fed_trainer_states(tmp_path, shell):
    pytest.importorskip("transformers")
    from transformers import TrainerControl, TrainerState, TrainingArguments

    args = TrainingArguments(output_dir="unused", num_train_epochs=1, report_to=[])
    state = TrainerState(max_steps=2, num_train_epochs=1, is_world_process_zero=True)
    control = TrainerControl()
    path = tmp_path / "hf.jsonl"
    logger = tc.transformers.JSONLogger(path, name="hf")
    logger.on_train_begin(args, state, control)
    for step in (1, 2):
        state.global_step, state.epoch = step, step / 2
        logger.on_log(args, state, control, logs={"loss": 1.0 / step})
    logger.on_epoch_end(args, state, control)
    logger.on_log(args, state, control, logs={"eval_loss": 0.7})
    logger.on_train_end(args, state, control)
    assert shell.messages == []
    run = tc.load(path)
    assert (
        run.status == "finished" and run["loss"] == [0.75] and run["eval_loss"] == [0.7]
    )
    assert run.batches["loss"] == [1.0, 0.5]


def test_missing_framework_is_named(monkeypatch):
    import importlib

    monkeypatch.setitem(sys.modules, "lightning.pytorch", None)
    monkeypatch.delitem(
        sys.modules, "traincurves.integrations.lightning", raising=False
    )
    with pytest.raises(
        ImportError, match=r"needs the 'lightning' package.*pip install lightning"
    ):
        importlib.import_module("traincurves.integrations.lightning")


def test_lightning_jsonlogger_writes_the_run(digits_tensors, tmp_path):
    torch = pytest.importorskip("torch")
    pl = pytest.importorskip("lightning.pytorch")
    from torch.utils.data import DataLoader, TensorDataset

    class Tiny(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Linear(64, 10)

        def training_step(self, batch, i):
            loss = torch.nn.functional.cross_entropy(self.net(batch[0]), batch[1])
            self.log("train_loss", loss, on_step=True, on_epoch=True)
            return loss

        def validation_step(self, batch, i):
            loss = torch.nn.functional.cross_entropy(self.net(batch[0]), batch[1])
            self.log("val_loss", loss)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    x, y = digits_tensors
    path = tmp_path / "pl.jsonl"
    trainer = pl.Trainer(
        max_epochs=2,
        accelerator="cpu",
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        log_every_n_steps=1,
        logger=tc.lightning.JSONLogger(path, name="pl"),
    )
    loader = DataLoader(TensorDataset(x[:400], y[:400]), batch_size=100)
    trainer.fit(
        Tiny(),
        loader,
        DataLoader(TensorDataset(x[400:600], y[400:600]), batch_size=100),
    )
    run = tc.load(path)
    assert run.name == "pl" and run.status == "finished"
    assert run.epochs == [0, 1]
    assert {"train_loss", "val_loss"} <= set(run)
    assert len(run.batches["train_loss"]) == 8  # 2 epochs x 4 steps
