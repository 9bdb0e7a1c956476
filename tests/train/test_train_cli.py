"""``optarena train`` / ``optarena test``: JSON line, exit codes, store rows, real MNIST."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from optarena.store import Store

SMALL = ["--task", "digits-mlp", "--epochs", "2", "--subset", "300", "--batch-size", "32"]


def optarena(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "optarena", *args], capture_output=True, text=True, cwd=cwd
    )


def last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_train_prints_one_json_line_and_records_the_trial(tmp_path):
    proc = optarena("train", *SMALL, "--optimizer", "adam", "--lr", "0.003", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    summary = last_json(proc.stdout)
    for key in (
        "trial_id",
        "state",
        "best_val_acc",
        "best_epoch",
        "test_acc",
        "final_test_acc",
        "epochs_run",
        "wall_s",
    ):
        assert key in summary
    assert summary["state"] == "complete" and summary["epochs_run"] == 2
    assert "best val acc" in proc.stderr
    with Store(tmp_path / "optarena.db") as store:
        record = store.trial(summary["trial_id"])
        assert (
            record.state.value == "complete" and record.summary["test_acc"] == summary["test_acc"]
        )
        metrics = store.metrics_frame(trial_ids=[summary["trial_id"]])
    assert set(metrics["name"]) >= {"loss", "lr", "acc", "wall_s"}

    tested = optarena("test", "--trial", summary["trial_id"], "--out", str(tmp_path))
    assert tested.returncode == 0, tested.stderr
    assert last_json(tested.stdout)["test_acc"] == summary["test_acc"]

    again = optarena(
        "train", *SMALL, "--optimizer", "adam", "--lr", "0.003", "--out", str(tmp_path)
    )
    assert last_json(again.stdout)["test_acc"] == summary["test_acc"]  # idempotent: not re-run


def test_divergence_exits_0_and_writes_the_store_row(tmp_path):
    proc = optarena("train", *SMALL, "--optimizer", "sgd", "--lr", "1e3", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    summary = last_json(proc.stdout)
    assert summary["state"] == "diverged" and "diverged_at" in summary
    with Store(tmp_path / "optarena.db") as store:
        assert store.trial(summary["trial_id"]).state.value == "diverged"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--optimizer", "adm"], "did you mean 'adam'"),
        (["--optimizer", "sgd", "--lr", "-1"], "lr"),
        (["--optimizer", "adam", "--opt", "betas=[2,0.9]"], "beta"),
        (["--optimizer", "sgd", "--schedule", "cosin"], "did you mean 'cosine'"),
        (["--optimizer", "sgd", "--opt", "momentun=0.9"], "momentun"),
    ],
)
def test_bad_inputs_exit_2_with_one_message(tmp_path, args, message):
    proc = optarena("train", *SMALL, *args, "--out", str(tmp_path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert not (tmp_path / "trials").exists()  # nothing trained


def test_unknown_task_and_missing_data_exit_2(tmp_path):
    proc = optarena("train", "--task", "mnist-cnnn", "--optimizer", "sgd", "--out", str(tmp_path))
    assert proc.returncode == 2 and "did you mean 'mnist-cnn'" in proc.stderr
    proc = optarena(
        "train",
        "--task",
        "mnist-cnn",
        "--data-dir",
        str(tmp_path / "nothing"),
        "--optimizer",
        "sgd",
        "--out",
        str(tmp_path),
    )
    assert proc.returncode == 2 and proc.stderr.startswith("error:")


@pytest.mark.slow
def test_mnist_cnn_momentum_reaches_90_percent(tmp_path, shared_data):
    proc = optarena(
        "train",
        "--task",
        "mnist-cnn",
        "--data-dir",
        str(shared_data / "mnist"),
        "--optimizer",
        "momentum",
        "--lr",
        "0.01",
        "--epochs",
        "2",
        "--subset",
        "10000",
        "--out",
        str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    assert last_json(proc.stdout)["test_acc"] > 0.9
