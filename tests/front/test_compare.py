"""``optarena.compare`` and ``optarena compare --task module:callable`` on the examples (issue
17's acceptance): a regression ranked lowest MSE first and a classifier with its own Dataset
and loss ranked highest accuracy first, with CIs, a report, ``best()`` and store reuse."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

import optarena
from optarena import tasks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _examples_importable(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield
    tasks.forget_session()


@pytest.mark.slow
def test_regression_from_python_ranks_lower_mse_first_and_reuses_the_store(tmp_path):
    from my_regression import make_task

    kwargs = dict(optimizers=["sgd", "adam"], lrs=[0.003], seeds=2, epochs=2,
                  executor="serial", out=tmp_path, quiet=True)  # fmt: skip
    study = optarena.compare(make_task(), **kwargs)
    board = study.leaderboard()
    assert board.attrs["ranked_by"] == "mean test mean squared error (lower is better)"
    assert list(board["metric"]) == ["mse", "mse"] and list(board["rank"]) == [1, 2]
    assert board["mean"].iloc[0] <= board["mean"].iloc[1]
    assert all(lo <= m <= hi for lo, m, hi in zip(board["ci_low"], board["mean"],
                                                  board["ci_high"], strict=True))  # fmt: skip
    reached = study.leaderboard(target_acc=50.0)  # any MSE below 50 counts as reached
    assert list(reached["n_reached"]) == [2, 2] and set(reached["epochs_to_target"]) == {1.0}
    best = study.best()
    assert best["config"]["optimizer"] == board["optimizer"].iloc[0]
    assert Path(best["checkpoint"]).is_file() and best["metric"] == "mse"
    values = [v for v in study.curves().query("split == 'test' or name == 'mse'")["value"]]
    assert values and all(math.isfinite(v) for v in values)
    again = optarena.compare(make_task(), **kwargs)  # a re-run cell: nothing trains again
    assert again.run.skipped == 4 and again.run.executed == []
    page = study.report(tmp_path / "report")
    text = (page.parent / "report.md").read_text()
    assert "Ranked by mean test mean squared error (lower is better)" in text
    assert "All verdicts compare mean squared error (lower is better)" in text
    assert not list(page.parent.glob("*.png"))  # charts only unless asked for
    assert (study.report(tmp_path / "report", png=True).parent / "test-accuracy.png").is_file()
    assert study._repr_png_().startswith(b"\x89PNG") and "<table" in study._repr_html_()


def test_classifier_with_own_dataset_and_loss_through_the_cli(tmp_path):
    from optarena.cli import app

    args = ["compare", "--task", "my_dataset:SpiralTask", "--optimizers", "sgd,adam",
            "--lr", "0.1", "--seeds", "2", "--epochs", "1", "--executor", "serial",
            "--no-report", "--out", str(tmp_path), "--name", "spirals"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "test acc" in result.output and "4 trials run now" in result.output
    study = optarena.Study("spirals", tmp_path / "optarena.db", tmp_path)
    board = study.leaderboard()
    assert board.attrs["ranked_by"] == "mean test accuracy (higher is better)"
    assert board["mean"].iloc[0] >= board["mean"].iloc[1] and set(board["n_seeds"]) == {2}
    from my_dataset import SpiralTask

    task = tasks.get("my_dataset:SpiralTask")
    assert isinstance(task, SpiralTask) and task.loss_fn.__func__ is SpiralTask.loss_fn


def test_compare_refuses_bad_input_and_falls_back_to_serial(tmp_path, monkeypatch, capsys):
    from optarena.front import run as front

    with pytest.raises(ValueError, match="needs a task"):
        optarena.compare()
    clash = tasks.get("digits-mlp").replace(epochs=1)
    with pytest.raises(ValueError, match="name of its own"):
        optarena.compare(clash, out=tmp_path)
    live = tasks.task("live", lambda: None, ([[0.0]], [0]))
    note: list[str] = []
    assert front._executor_for("ray", live, note.append) == "serial" and "Ray" in note[0]
    monkeypatch.setitem(__import__("sys").modules, "cloudpickle", None)  # not installed
    assert front._executor_for("local", live, note.append) == "serial"
    assert "cloudpickle is not installed" in note[1] and len(note) == 2
    assert front._executor_for("local", None, note.append) == "local"


def test_import_optarena_stays_light():
    import json
    import subprocess
    import sys

    code = ("import optarena, sys, json; optarena.__version__; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "optarena" in loaded and not loaded & {"torch", "pandas", "matplotlib", "sklearn"}
    assert callable(optarena.compare) and optarena.Metric.__name__ == "Metric"
