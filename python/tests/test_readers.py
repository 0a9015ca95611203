"""Logs people already have, recognised by content: files written by the real
libraries (pandas, Keras, Lightning, transformers), the mess of hand-written
logs, several runs in one file, partial reads and bad input."""

import json
import math
import warnings

import pytest

import traincurves as tc
from traincurves.payload import MIME_TYPE
from traincurves.readers import LoadError, LoadWarning, reader_for

HISTORY = {
    "loss": [0.9, 0.6, 0.45, 0.4],
    "accuracy": [0.5, 0.7, 0.8, 0.82],
    "val_loss": [1.0, 0.7, 0.6, 0.65],
    "val_accuracy": [0.45, 0.66, 0.75, 0.74],
}


def load_quietly(path):
    """tc.load, asserting that nothing was left out."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", LoadWarning)
        return tc.load(path)


def load_all_quietly(path):
    """tc.load_all, asserting that nothing was left out."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", LoadWarning)
        return tc.load_all(path)


def one_warning(caught):
    (warning,) = [w for w in caught if issubclass(w.category, LoadWarning)]
    return str(warning.message)


# -- the real libraries ------------------------------------------------------


def test_pandas_to_csv_and_to_json(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(HISTORY)
    frame.loc[2, "val_accuracy"] = float("nan")  # to_csv writes an empty cell
    frame.to_csv(tmp_path / "history.csv")  # with its unnamed index column
    frame.to_csv(tmp_path / "semi.txt", sep=";", index=False)
    frame.to_json(tmp_path / "columns.json")
    frame.to_json(tmp_path / "records.json", orient="records")
    frame.to_json(tmp_path / "split.json", orient="split")
    frame.to_json(tmp_path / "lines.jsonl", orient="records", lines=True)
    for name in ("history.csv", "semi.txt", "columns.json", "records.json"):
        run = load_quietly(tmp_path / name)
        assert run.epochs == [0, 1, 2, 3], name
        assert list(run) == list(HISTORY), name
        assert run["loss"] == HISTORY["loss"], name
        assert run["val_accuracy"][2] is None, name
    for name in ("split.json", "lines.jsonl"):
        assert load_quietly(tmp_path / name)["val_loss"] == HISTORY["val_loss"]
    assert load_quietly(tmp_path / "history.csv").name == "history"
    # a DataFrame straight from the history, indexed by epoch
    frame.index.name = "epoch"
    frame.index += 1
    frame.to_csv(tmp_path / "by_epoch.csv")
    assert load_quietly(tmp_path / "by_epoch.csv").epochs == [0, 1, 2, 3]


def _keras_fit(path, epochs, append=False):
    keras = pytest.importorskip("keras")
    np = pytest.importorskip("numpy")

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).random((32, 4), dtype=np.float32)
    model.fit(
        x,
        x[:, :1],
        validation_split=0.25,
        epochs=epochs,
        verbose=0,
        callbacks=[keras.callbacks.CSVLogger(str(path), append=append)],
    )


def test_keras_csvlogger_training_log_and_appended_runs(tmp_path):
    path = tmp_path / "training.log"  # the name Keras' documentation uses
    _keras_fit(path, 3)
    run = load_quietly(path)
    assert run.name == "training"
    assert run.epochs == [0, 1, 2]
    assert set(run) == {"loss", "mae", "val_loss", "val_mae"}
    # fit again into the same file: the epoch goes back, a second run starts
    _keras_fit(path, 2, append=True)
    with pytest.raises(LoadError, match=r"holds 2 runs .*tc.load_all\(path\)"):
        tc.load(path)
    first, second = tc.load_all(path)
    assert (first.name, second.name) == ("training #1", "training #2")
    assert (first.epochs, second.epochs) == ([0, 1, 2], [0, 1])


def test_lightning_csvlogger_metrics_csv(tmp_path):
    torch = pytest.importorskip("torch")
    pl = pytest.importorskip("lightning.pytorch")
    from lightning.pytorch.loggers import CSVLogger
    from torch.utils.data import DataLoader, TensorDataset

    class Tiny(pl.LightningModule):
        def __init__(self, lr=0.05, arch="linear"):
            super().__init__()
            self.save_hyperparameters()
            self.net = torch.nn.Linear(4, 1)

        def training_step(self, batch, i):
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.net(x), y)
            self.log("train_loss", loss, on_step=True, on_epoch=True)
            return loss

        def validation_step(self, batch, i):
            x, y = batch
            self.log("val_loss", torch.nn.functional.mse_loss(self.net(x), y))

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

    pl.seed_everything(0)
    x = torch.rand(64, 4)
    data = TensorDataset(x, x[:, :1])
    for _ in range(2):  # version_0 and version_1
        trainer = pl.Trainer(
            max_epochs=3,
            accelerator="cpu",
            logger=CSVLogger(tmp_path, name="tiny"),
            log_every_n_steps=2,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
        )
        trainer.fit(
            Tiny(), DataLoader(data, batch_size=8), DataLoader(data, batch_size=32)
        )
    run = load_quietly(tmp_path / "tiny" / "version_0" / "metrics.csv")
    assert run.name == "tiny/version_0"
    assert run.params == {"lr": 0.05, "arch": "linear"}
    assert run.epochs == [0, 1, 2]
    # epoch rows: train_loss_epoch and the validation row of the same epoch
    assert set(run) == {"train_loss", "val_loss"}
    assert all(v is not None for col in run.metrics.values() for v in col)
    # step rows (every 2nd of 8 steps an epoch) are the batch curve
    assert run.steps_per_epoch == 8
    batches = run.batches
    assert set(batches) == {"epoch", "step", "train_loss"}
    assert batches["epoch"] == [0] * 4 + [1] * 4 + [2] * 4
    assert batches["step"] == [1, 3, 5, 7] * 3
    # a folder of runs: both versions
    runs = tc.load_all(tmp_path)
    assert [r.name for r in runs] == ["tiny/version_0", "tiny/version_1"]


def test_huggingface_trainer_output_folder(tmp_path):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Linear(4, 2)

        def forward(self, x, labels=None):
            logits = self.net(x)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            return {"loss": loss, "logits": logits}

    transformers.set_seed(0)
    x = torch.rand(80, 4)
    rows = [{"x": a, "labels": int(a[0] > 0.5)} for a in x]
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path / "out"),
        num_train_epochs=2,
        per_device_train_batch_size=8,
        learning_rate=0.1,
        eval_strategy="epoch",
        logging_steps=2,
        save_strategy="epoch",
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
    )
    transformers.Trainer(
        model=Net(), args=args, train_dataset=rows[:60], eval_dataset=rows[60:]
    ).train()
    run = load_quietly(tmp_path / "out")  # the latest checkpoint's state
    assert run.name == "out"
    assert run.epochs == [0, 1]
    assert {"loss", "eval_loss"} == set(run)
    assert all(v is not None for v in run["eval_loss"])
    assert run.steps_per_epoch == 8 and run.total_epochs == 2
    assert {"loss", "learning_rate", "grad_norm"} <= set(run.batches)
    assert run.batches["step"][:2] == [1, 3]  # logged after steps 2 and 4
    assert run.params == {"train_batch_size": 8}
    # the checkpoint folder and the file itself read the same
    state = tmp_path / "out" / "checkpoint-16" / "trainer_state.json"
    assert load_quietly(state.parent).metrics == run.metrics
    assert load_quietly(state).name == "out"
    assert run.status == "finished"
    # the first epoch's checkpoint: a run that had not ended, saying where
    first = load_quietly(tmp_path / "out" / "checkpoint-8")
    assert first.status == "interrupted" and first.epochs == [0]
    assert "step 8 of 16" in first.events[-1]["message"]


def test_trainer_state_ended_before_max_steps(tmp_path):
    """A Trainer that ended before max_steps (early stopping) stopped early;
    one that reached them finished."""
    transformers = pytest.importorskip("transformers")

    history = [
        {"epoch": 1.0, "loss": 0.9, "step": 10},
        {"epoch": 1.0, "eval_loss": 0.8, "step": 10},
        {"epoch": 2.0, "loss": 0.7, "step": 20},
        {"epoch": 2.0, "eval_loss": 0.85, "step": 20},
        {"epoch": 2.0, "train_runtime": 3.0, "train_loss": 0.8, "step": 20},
    ]
    for planned, status in ((50, "stopped_early"), (20, "finished")):
        state = transformers.TrainerState(
            epoch=2.0, global_step=20, max_steps=planned, num_train_epochs=5
        )
        state.log_history = history
        path = tmp_path / f"state{planned}.json"
        state.save_to_json(str(path))
        run = load_quietly(path)
        assert run.status == status
        stops = [e for e in run.events if e["kind"] == "early_stop"]
        assert stops == ([{"kind": "early_stop", "epoch": 1}] if planned == 50 else [])


def test_trainer_state_evaluated_every_few_steps(tmp_path):
    transformers = pytest.importorskip("transformers")

    state = transformers.TrainerState(
        epoch=1.0, global_step=20, max_steps=20, num_train_epochs=1
    )
    state.log_history = [
        {
            "epoch": 0.25,
            "loss": 0.9,
            "learning_rate": 4e-5,
            "grad_norm": 2.0,
            "step": 5,
        },
        {
            "epoch": 0.5,
            "loss": 0.7,
            "learning_rate": 3e-5,
            "grad_norm": 1.5,
            "step": 10,
        },
        {"epoch": 0.5, "eval_loss": 0.8, "eval_runtime": 0.2, "step": 10},
        {
            "epoch": 0.75,
            "loss": 0.5,
            "learning_rate": 2e-5,
            "grad_norm": 1.0,
            "step": 15,
        },
        {
            "epoch": 1.0,
            "loss": 0.4,
            "learning_rate": 1e-5,
            "grad_norm": 0.9,
            "step": 20,
        },
        {"epoch": 1.0, "eval_loss": 0.6, "eval_runtime": 0.2, "step": 20},
        {"epoch": 1.0, "train_runtime": 9.5, "train_loss": 0.62, "step": 20},
    ]
    path = tmp_path / "state.json"
    state.save_to_json(str(path))
    run = load_quietly(path)
    # two evaluations in one epoch: each its own point, none hidden
    assert run.epochs == [0, 1]
    assert run["eval_loss"] == [0.8, 0.6]
    assert run["loss"] == [0.8, 0.45]  # the mean logged loss of each stretch
    assert "eval_runtime" not in run
    assert run.params == {"train_runtime": 9.5, "train_loss": 0.62}
    assert run.steps_per_epoch == 10
    assert run.batches["step"] == [4, 9, 4, 9]


# -- CSV logs, however they are written ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "epoch,loss,val_loss\n0,1.0,1.1\n1,0.5,0.6\n",
        "epoch;loss;val_loss\r\n0;1.0;1.1\r\n\r\n1;0.5;0.6\r\n",
        "epoch\tloss\tval_loss\n1\t1.0\t1.1\n2\t0.5\t0.6\n",  # counted from 1
        "loss,val_loss\n1.0,1.1\n0.5,0.6\n",  # no epoch column
        "# written by my loop\nepoch loss val_loss\n0 1.0 1.1\n1 0.5 0.6\n",
        '"epoch","loss","val_loss"\n"0","1.0","1.1"\n"1","0.5","0.6"\n',
        "epoch;loss;val_loss\n0;1,0;1,1\n1;0,5;0,6\n",  # decimal commas
        "epoch,loss,val_loss\n0,tensor(1.),tensor(1.1000)\n1,tensor(0.5),0.6\n",
        "epoch,loss,val_loss,\n0,1.0,1.1,\n1,0.5,0.6,\n",  # a trailing separator
    ],
)
def test_csv_spellings(tmp_path, text):
    path = tmp_path / "log.anything"
    path.write_text(text)
    run = load_quietly(path)
    assert run.epochs == [0, 1]
    assert run.metrics == {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}


def test_utf16_csv_from_a_windows_shell(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss\n0,1.0\n1,0.5\n", encoding="utf-16")
    assert load_quietly(path)["loss"] == [1.0, 0.5]


def test_missing_value_spellings_and_nan(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "epoch,loss,val_loss\n0,1.0,NA\n1,nan,None\n2,inf,\n3,0.5,N/A\n4,0.4,0.3\n"
    )
    run = load_quietly(path)
    assert run["val_loss"] == [None, None, None, None, 0.3]
    assert math.isnan(run["loss"][1]) and run["loss"][2] == math.inf
    assert run.nonfinite == {"loss": [(1, "nan"), (2, "inf")]}


def test_text_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "epoch,model,timestamp,loss\n"
        "0,resnet,2024-01-01 10:00,1.0\n"
        "1,resnet,2024-01-01 10:05,0.5\n"
    )
    with pytest.warns(LoadWarning) as caught:
        run = tc.load(path)
    assert run.params == {"model": "resnet"}
    assert run.metrics == {"loss": [1.0, 0.5]}
    assert "text columns that change from row to row: 'timestamp'" in one_warning(
        caught
    )


def test_a_phase_column_names_the_split(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "epoch,phase,loss,acc\n"
        "1,train,1.0,0.5\n1,val,1.2,0.4\n"
        "2,train,0.6,0.7\n2,val,0.8,0.6\n"
    )
    run = load_quietly(path)
    assert run.epochs == [0, 1]
    assert run.metrics == {
        "loss": [1.0, 0.6],
        "acc": [0.5, 0.7],
        "val_loss": [1.2, 0.8],
        "val_acc": [0.4, 0.6],
    }


def test_several_runs_in_one_csv(tmp_path):
    path = tmp_path / "sweep.csv"
    path.write_text(
        "epoch,model,loss\n0,a,1.0\n1,a,0.5\n0,b,2.0\n1,b,1.0\n2,b,0.7\n"
        "epoch,model,loss\n0,c,3.0\n"  # the header again
    )
    runs = tc.load_all(path)
    assert [r.name for r in runs] == ["sweep #1", "sweep #2", "sweep #3"]
    assert [r.params for r in runs] == [{"model": m} for m in "abc"]
    assert [r.epochs for r in runs] == [[0, 1], [0, 1, 2], [0]]


def test_an_rl_log_by_environment_steps_holds_a_run_per_setting(tmp_path):
    # two PPO runs one after the other, told apart by a text column; the
    # step count starts again with the second
    path = tmp_path / "ppo.csv"
    path.write_text(
        "mode,agent_steps,train_return,eval_return\n"
        "shared,0,,-36.0\nshared,12000,-25.4,-23.9\nshared,21000,-23.3,-19.2\n"
        "independent,0,,-35.1\nindependent,12000,-24.6,-24.0\n"
    )
    runs = load_all_quietly(path)
    assert [r.params for r in runs] == [{"mode": "shared"}, {"mode": "independent"}]
    assert [len(r.epochs) for r in runs] == [3, 2]
    assert runs[0]["train_return"] == [None, -25.4, -23.3]


def test_per_batch_rows_become_the_batch_curve(tmp_path):
    path = tmp_path / "batches.csv"
    path.write_text("epoch,loss,val_loss\n0,1.0,\n0,0.8,\n0,,0.9\n1,0.6,\n1,0.4,0.5\n")
    run = load_quietly(path)
    assert run.metrics == {"val_loss": [0.9, 0.5], "loss": [0.9, 0.5]}  # means
    assert run.batches == {
        "epoch": [0, 0, 1, 1],
        "step": [0, 1, 0, 1],
        "loss": [1.0, 0.8, 0.6, 0.4],
    }


def test_partial_csv_warns_once_naming_lines(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "epoch,loss,val_loss\n0,1.0,1.1\n1,oops,0.6\n2,0.4,0.5,9,9\n3,0.3,0.4\n4,0.2"
    )
    with pytest.warns(LoadWarning) as caught:
        run = tc.load(path)
    message = one_warning(caught)
    assert message.startswith(f"{path}: read in part; left out ")
    assert "line 3: 'oops'" in message
    assert "header's 3 fields (line 4, 6)" in message
    assert run.epochs == [0, 1, 3] and run["loss"] == [1.0, None, 0.3]


# -- JSON logs ---------------------------------------------------------------


def test_history_json_with_extras(tmp_path):
    path = tmp_path / "history.json"
    data = {
        **HISTORY,
        "test_accuracy": 0.92,
        "best_val_loss": 0.6,
        "optimizer": "adam",
        "model": {"layers": {"dense": 64}},
        "config": {"layers": [64, 32], "dropout": 0.2},
        "params": {"epochs": 4, "steps": 10},
        "confusion": [[1, 2], [3, 4]],
    }
    path.write_text(json.dumps(data))
    with pytest.warns(LoadWarning) as caught:
        run = tc.load(path)
    assert list(run) == list(HISTORY)
    assert run.params == {
        "test_accuracy": 0.92,
        "best_val_loss": 0.6,
        "optimizer": "adam",
        "dropout": 0.2,  # a config's single values are params too
        "epochs": 4,
        "steps": 10,
    }
    assert "nested values 'model/layers', 'config/layers', 'confusion'" in one_warning(
        caught
    )


@pytest.mark.parametrize(
    "data",
    [
        {"history": HISTORY, "params": {"epochs": 4}, "epoch": [0, 1, 2, 3]},
        [dict(zip(HISTORY, values)) for values in zip(*HISTORY.values())],
        [
            {"epoch": e + 1, "train": {"loss": a}, "val": {"loss": b}}
            for e, (a, b) in enumerate(zip(HISTORY["loss"], HISTORY["val_loss"]))
        ],
    ],
    ids=["wrapper", "records", "nested-records"],
)
def test_json_shapes(tmp_path, data):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(data))
    run = load_quietly(path)
    assert run.epochs == [0, 1, 2, 3]
    losses = [run[m] for m in ("loss", "train/loss") if m in run]
    assert losses == [HISTORY["loss"]]


def test_json_lines_of_records_with_a_corrupt_line_and_two_runs(tmp_path):
    path = tmp_path / "metrics.jsonl"
    lines = [json.dumps({"epoch": e, "loss": 1 / (e + 1)}) for e in range(3)]
    lines.insert(2, '{"epoch": 9, "loss": ')  # a record cut short
    lines += [json.dumps({"epoch": e, "loss": 2 / (e + 1)}) for e in range(2)]
    path.write_text("\n".join(lines) + "\n")
    with pytest.warns(LoadWarning) as caught:
        runs = tc.load_all(path)
    assert "lines that are not JSON objects (3)" in one_warning(caught)
    assert [(r.name, r.epochs) for r in runs] == [
        ("metrics #1", [0, 1, 2]),
        ("metrics #2", [0, 1]),
    ]


@pytest.mark.parametrize("as_json_string", [False, True])
def test_str_of_a_history_dict(tmp_path, as_json_string):
    # str(history.history) written as text, or dumped as a JSON string: both
    # found in real projects. Read as a literal; nan stays a non-finite value.
    history = {"loss": [1.0, 0.5, float("nan")], "val_loss": [1.1, 0.7, 0.8]}
    path = tmp_path / "training_history.json"
    path.write_text(json.dumps(str(history)) if as_json_string else str(history))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (run,) = tc.load_all(path)
    assert run.epochs == [0, 1, 2]
    assert run["loss"][:2] == [1.0, 0.5] and math.isnan(run["loss"][2])
    assert run["val_loss"] == [1.1, 0.7, 0.8]


def test_a_repr_is_never_run(tmp_path):
    path = tmp_path / "history.json"
    path.write_text('{"loss": __import__("os").getcwd()}'.replace('"', "'"))
    with pytest.raises(LoadError, match="not valid JSON"):
        tc.load_all(path)


def test_a_list_of_fit_histories(tmp_path):
    # histories.append(model.fit(..., epochs=1).history) in a loop: one run
    calls = [{"loss": [1 - e / 10], "val_loss": [1.2 - e / 10]} for e in range(6)]
    path = tmp_path / "per_epoch_calls.json"
    path.write_text(json.dumps(calls))
    (run,) = tc.load_all(path)
    assert run.epochs == list(range(6))
    assert run["loss"] == [c["loss"][0] for c in calls]
    # several epochs a call (folds, repeats): a run each
    folds = [{"loss": [1.0, 0.5, 0.3]}, {"loss": [0.9, 0.4]}]
    path.write_text(json.dumps(folds))
    runs = tc.load_all(path)
    assert [(r.epochs, r["loss"]) for r in runs] == [
        ([0, 1, 2], [1.0, 0.5, 0.3]),
        ([0, 1], [0.9, 0.4]),
    ]


def test_an_epoch_column_spelled_out(tmp_path):
    path = tmp_path / "training_metrics.csv"
    path.write_text(
        "Epoch Number,Train Loss,Mean Dice\n1,2.99,-\n2,2.73,0.31\n3,2.5,0.4\n"
    )
    (run,) = tc.load_all(path)
    assert run.epochs == [0, 1, 2]  # counted from 1 in the file
    assert list(run) == ["Train Loss", "Mean Dice"]
    assert run["Mean Dice"] == [None, 0.31, 0.4]


def test_per_class_arrays_in_csv_cells_become_one_curve_per_class(tmp_path):
    # CSVLogger with keras.metrics.F1Score(average=None): every cell a list
    path = tmp_path / "training.log"
    path.write_text(
        "epoch,f1_score,loss\n"
        '0,"""[0.0, 0.25, 0.5]""",1.0\n'
        '1,"""[0.125, 0.5, 0.75]""",0.5\n'
        '2,"""[0.25 0.75 1.0]""",0.25\n'
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (run,) = tc.load_all(path)
    assert list(run) == ["f1_score_0", "f1_score_1", "f1_score_2", "loss"]
    assert run["f1_score_1"] == [0.25, 0.5, 0.75]
    # one-element wrappers are still the number they wrap
    path.write_text(
        'epoch,loss\n0,[0.5]\n1,tensor(0.25)\n2,"tensor(0.125, grad_fn=<X>)"\n'
    )
    assert tc.load_all(path)[0]["loss"] == [0.5, 0.25, 0.125]


def test_records_kept_per_phase(tmp_path):
    path = tmp_path / "history.json"
    train = [{"epoch": e, "loss": 1 / (e + 1), "acc": 0.5 + e / 10} for e in range(3)]
    val = [{"epoch": e, "loss": 1.2 / (e + 1), "acc": 0.4 + e / 10} for e in range(3)]
    path.write_text(json.dumps({"train": train, "val": val, "lr": 0.01}))
    (run,) = tc.load_all(path)
    assert list(run) == ["loss", "acc", "val_loss", "val_acc"]
    assert run["val_loss"] == [r["loss"] for r in val]
    assert run.params == {"lr": 0.01}


def test_records_kept_per_stage_of_training_are_a_run_each(tmp_path):
    # imitation first, then reinforcement learning, epochs counted on
    path = tmp_path / "training_log.json"
    bc = [{"epoch": e, "loss": 1 / (e + 1)} for e in range(3)]
    ppo = [{"epoch": e, "reward": e / 10, "actor_loss": 0.01} for e in (3, 4, 5)]
    path.write_text(json.dumps({"seed": 42, "bc_history": bc, "ppo_history": ppo}))
    runs = load_all_quietly(path)
    assert [r.params for r in runs] == [
        {"seed": 42, "stage": "bc_history"},
        {"seed": 42, "stage": "ppo_history"},
    ]
    assert [r.epochs for r in runs] == [[0, 1, 2], [3, 4, 5]]
    assert runs[1]["reward"] == [0.3, 0.4, 0.5]


def test_records_beside_a_config_s_short_lists(tmp_path):
    # a training summary: settings (some of them lists) and the epochs
    path = tmp_path / "training_history.json"
    epochs = [{"epoch": e, "train/loss": 1 / (e + 1)} for e in range(1, 6)]
    path.write_text(
        json.dumps({"image_size": [224, 224], "best_epoch": 3, "epochs": epochs})
    )
    with pytest.warns(LoadWarning, match="image_size"):
        run = tc.load(path)
    assert list(run) == ["train/loss"] and len(run.epochs) == 5
    assert run.params == {"best_epoch": 3}


def test_a_quoted_csv_header_is_still_csv(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text('"epoch","loss"\n0,1.0\n1,0.5\n2,0.3\n')
    (run,) = tc.load_all(path)
    assert run["loss"] == [1.0, 0.5, 0.3]


def test_content_decides_not_the_name(tmp_path):
    json_named_csv = tmp_path / "history.csv"
    json_named_csv.write_text(json.dumps(HISTORY))
    csv_named_json = tmp_path / "history.json"
    csv_named_json.write_text("epoch,loss\n0,1.0\n")
    assert load_quietly(json_named_csv)["loss"] == HISTORY["loss"]
    assert load_quietly(csv_named_json)["loss"] == [1.0]
    assert reader_for(json_named_csv).__name__.endswith("jsonlog")


def test_own_files_still_round_trip(tmp_path):
    run = tc.Run.from_history(HISTORY, name="mine")
    run.params["lr"] = 0.1
    back = load_quietly(run.save(tmp_path / "mine.anything"))
    assert (back.name, back.params, back.metrics) == ("mine", {"lr": 0.1}, run.metrics)
    live = tc.Run("logged")
    live.log_to(tmp_path / "logged.jsonl")
    live.log(loss=1.0)
    live.finish()
    assert load_quietly(tmp_path / "logged.jsonl").metrics == {"loss": [1.0]}


# -- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", r"x.log: a binary file of no kind"),
        (b"", r"x.log: the file is empty"),
        (b"\n\n  \n", r"x.log: the file is empty"),
        (b'{\n  "loss": [0.', r"x.log, line 2: not valid JSON"),
        (b"epoch,loss,val_loss\n", r"x.log, line 1: no rows that fit the header"),
        (b'{"test_accuracy": 0.9}', r"x.log: holds no per-epoch values"),
        (b"epoch,model\n0,a\n1,b\n", r"x.log: no column of numbers to draw"),
        (b"Dear diary,\ntoday I trained a model.\n", r"x.log: not a training log"),
    ],
    ids=["binary", "empty", "blank", "truncated", "header", "scalars", "text", "prose"],
)
def test_bad_input_names_the_file_and_line(tmp_path, content, message):
    path = tmp_path / "x.log"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message):
        tc.load(path)


def test_folders_and_globs(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("nothing to see\n")
    with pytest.raises(LoadError, match=r"empty: a folder with no training log"):
        tc.load(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match=r"nothing-here\*.csv"):
        tc.load_all(tmp_path / "nothing-here*.csv")
    for name in ("a", "b"):
        folder = tmp_path / "runs" / name
        folder.mkdir(parents=True)
        (folder / "training.log").write_text("epoch,loss\n0,1.0\n1,0.5\n")
    (tmp_path / "runs" / "b" / "broken.json").write_text("{")
    with pytest.warns(LoadWarning, match=r"broken.json, line 1: not valid JSON"):
        runs = tc.load_all(tmp_path / "runs")
    assert [r.name for r in runs] == [
        "a/training.log: training",
        "b/training.log: training",
    ]
    assert len(tc.load_all(str(tmp_path / "runs" / "*" / "training.log"))) == 2


def test_show_and_compare_take_paths(tmp_path, shell):
    path = tmp_path / "sweep.csv"
    path.write_text("epoch,loss\n0,1.0\n1,0.5\n0,2.0\n1,1.0\n")
    tc.show(path)
    shown = shell.messages[-1]["data"][MIME_TYPE]["runs"]
    assert [r["name"] for r in shown] == ["sweep #1", "sweep #2"]
    other = tmp_path / "other.log"
    other.write_text("epoch,loss\n0,3.0\n")
    tc.compare(str(tmp_path / "*.log"), "sweep #2")
    compared = shell.messages[-1]["data"][MIME_TYPE]["runs"]
    assert [r["name"] for r in compared] == ["other", "sweep #2"]


def test_a_json_history_cut_off_mid_write_keeps_what_came_before(tmp_path):
    history = {"loss": [0.9, 0.7, 0.6, 0.5], "val_loss": [1.0, 0.8, 0.75, 0.7]}
    history["lr"] = [0.001, 0.001, 0.0005, 0.0005]
    text = json.dumps({"phase1": history}, indent=2)
    path = tmp_path / "training_history.json"
    path.write_text(text[: text.index("0.0005")])  # stopped inside lr
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = tc.load(path)
    assert run["phase1/loss"] == history["loss"]
    assert run["phase1/val_loss"] == history["val_loss"]
    assert run["phase1/lr"][:2] == [0.001, 0.001]  # the whole values kept
    assert "ends mid-value" in one_warning(caught)
    # a file that is not JSON at its end, not cut short, is still an error
    path.write_text(text.replace('"lr"', "lr"))
    with pytest.raises(LoadError, match="not valid JSON"):
        tc.load(path)


def test_rows_wider_than_their_header_say_so(tmp_path):
    path = tmp_path / "training_log.csv"
    rows = [f"{1000 * i},{0.9**i:.4f},{i},{i * 2}" for i in range(1, 6)]
    path.write_text("episode,epsilon,wins\n" + "\n".join(rows) + "\n")
    with pytest.raises(LoadError, match="header names 3 columns while its rows hold 4"):
        tc.load(path)


def test_an_agent_s_log_a_row_per_episode(tmp_path):
    # the episode counts the rows; steps is each episode's length, a curve
    path = tmp_path / "training_log.csv"
    rows = [
        f"{i},{-13 + i * 0.5},{300 - 10 * (i % 4)},{0.99**i:.4f}" for i in range(12)
    ]
    path.write_text("episode,total_reward,steps,epsilon\n" + "\n".join(rows) + "\n")
    run = load_quietly(path)
    assert run.epochs == list(range(12))
    assert set(run) == {"total_reward", "steps", "epsilon"}
    assert run["steps"][:4] == [300, 290, 280, 270]


def test_a_step_column_that_restarts_each_epoch_places_rows(tmp_path):
    # epoch,step with the step counted within its epoch: rows of batches
    path = tmp_path / "log.csv"
    rows = [f"{e},{s},{2.0 / (e + s / 600):.4f}" for e in (1, 2) for s in (299, 599)]
    path.write_text("epoch,step,train_loss\n" + "\n".join(rows) + "\n")
    run = load_quietly(path)
    assert run.epochs == [0, 1] and set(run) == {"train_loss"}
    assert len(run.batches["train_loss"]) == 4


def test_a_rate_per_step_keeps_its_name(tmp_path):
    # Lightning's loss_step / loss_epoch pair is one metric; sec_per_step
    # is a rate the user named so
    path = tmp_path / "metrics.csv"
    lines = ["epoch,step,loss_step,sec_per_step,loss_epoch"]
    for e in range(3):
        lines.append(f"{e},{10 * e + 4},{1.0 / (e + 1)},0.5,")
        lines.append(f"{e},{10 * e + 9},{0.9 / (e + 1)},0.6,{0.95 / (e + 1)}")
    path.write_text("\n".join(lines) + "\n")
    run = load_quietly(path)
    assert set(run) == {"loss", "sec_per_step"}
    assert run["loss"] == pytest.approx([0.95, 0.475, 0.95 / 3])
