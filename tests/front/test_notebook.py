"""The example notebook runs (nbclient + ipykernel, the ``test`` extra): its task is defined in
notebook cells (``__main__``) and trained by ``local`` worker processes, and its leaderboard
cell prints a table ranked lowest MSE first. Skipped where nbclient/ipykernel are absent."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "compare_in_a_notebook.ipynb"


@pytest.mark.slow
def test_example_notebook_runs_and_prints_its_leaderboard(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("OPTARENA_NB_EPOCHS", "2")
    path = [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    client.execute()
    text = {i: "".join(o.get("text", "") for o in c.get("outputs", [])) for i, c in
            enumerate(nb.cells) if c.cell_type == "code"}  # fmt: skip
    board = next(t for t in text.values() if "ranked by" in t)
    assert "mean squared error (lower is better)" in board
    rows = [line.split() for line in board.splitlines() if re.match(r"\s*\d+\s+\w", line)]
    assert [r[0] for r in rows] == ["1", "2", "3"] and {r[1] for r in rows} == {
        "sgd", "momentum", "adam"}  # fmt: skip
    means = [float(r[3]) for r in rows]
    assert means == sorted(means)  # lower is better: the smallest mean ranks first
    assert all(r[6] == "2" and r[7] == "mse" for r in rows)
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images  # study.plot() displayed inline
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    assert (tmp_path / "runs-notebook" / "optarena.db").is_file()
