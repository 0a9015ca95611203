"""A notebook executed headless by nbclient, as papermill and
``jupyter nbconvert --execute`` run it: the saved notebook holds each live
panel's finished state — the payload, its picture and its text summary —
and no payload dumped as text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import KERAS_DIGITS

import traincurves as tc
from traincurves.payload import MIME_TYPE

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

SOURCE = Path(tc.__file__).resolve().parents[1]

CELLS = [
    KERAS_DIGITS + "model = digits_model()\n",
    """
model.fit(
    x[:400], y[:400], validation_data=(x[400:600], y[400:600]),
    epochs=6, batch_size=100, verbose=0,
    callbacks=[tc.LivePlot(name="papermill", every=0)],
)
print("trained")
""",
    "print(tc.__file__)",
    """
run = tc.Run("loop")
with run.live(total_epochs=5, every=0):
    for epoch in range(5):
        run.log(loss=1 / (epoch + 1))
""",
]


def test_an_executed_notebook_keeps_the_finished_picture(tmp_path, monkeypatch):
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    monkeypatch.setenv(
        "PYTHONPATH",
        os.pathsep.join([str(SOURCE), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook, path)
    saved = nbformat.read(path, as_version=4)

    fit, where, loop = saved.cells[1:]
    assert where.outputs[0].text == f"{tc.__file__}\n"  # this working tree
    for cell, name, epochs in ((fit, "papermill", 6), (loop, "loop", 5)):
        panels = [o for o in cell.outputs if o.output_type == "display_data"]
        assert len(panels) == 1  # updated in place: one output
        data = panels[0].data
        (run,) = data[MIME_TYPE]["runs"]
        assert run["name"] == name and run["status"] == "finished"
        assert len(run["epochs"]) == epochs
        assert "image/svg+xml" in data
        assert f"finished · {epochs} epochs" in data["image/svg+xml"]
        text = data["text/plain"]
        assert text.startswith(f"traincurves run '{name}': finished, {epochs} epochs")
        assert len(text.splitlines()) < 10
    everything = nbformat.writes(saved)
    # No payload as text anywhere: no stream or text/plain holds it.
    for cell in saved.cells:
        for output in cell.outputs:
            shown = output.get("text", "") + output.get("data", {}).get(
                "text/plain", ""
            )
            assert MIME_TYPE not in shown and "'runs'" not in shown
    printed = [o.text for o in fit.outputs if o.get("name") == "stdout"]
    assert printed == ["trained\n"]
    assert everything.count(MIME_TYPE) == 2
