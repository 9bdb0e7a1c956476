"""Studies on a PostgreSQL store: shared by two ``compare`` processes, read from a third."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from optarena.store import open_store
from optarena.study import parse_spec, run_study

ARGS = (
    "--task", "digits-mlp", "--optimizers", "sgd,adam", "--seeds", "2", "--epochs", "2",
    "--subset", "150", "--batch-size", "50", "--executor", "serial", "--no-report",
)  # fmt: skip
KEYS = ("best_val_acc", "best_epoch", "test_acc", "final_test_acc", "final_train_loss")


def _numbers(target: str | Path) -> dict[str, tuple]:
    with open_store(target, create=False) as store:
        return {
            t.id: (t.state.value, *((t.summary or {}).get(k) for k in KEYS))
            for t in store.trials("default")
        }


@pytest.mark.slow
def test_two_compare_processes_share_a_postgres_store_and_run_each_trial_once(
    tmp_path: Path, tiny: dict, postgres_url: str, compare_cmd
) -> None:
    procs = [compare_cmd(*ARGS, "--store", postgres_url, "--out", f"runs{k}") for k in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with open_store(postgres_url) as store:
        trials = store.trials("default")
        assert store.integrity_check() == "ok"
    assert len(trials) == 4 and all(t.state.value in ("complete", "diverged") for t in trials)
    assert Counter(t.attempt for t in trials) == Counter({1: 4})  # claimed once each
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam"], "seeds": 2})
    run_study(spec, store_path=tmp_path / "s.db", out=tmp_path / "s", executor="serial")
    assert _numbers(postgres_url) == _numbers(tmp_path / "s.db")
    board = subprocess.run(
        [sys.executable, "-m", "optarena", "leaderboard", "default", "--store", postgres_url,
         "--format", "csv"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert board.returncode == 0, board.stderr
    assert board.stdout.count("\n") == 3 and "adam" in board.stdout and "sgd" in board.stdout


def test_leaderboard_of_a_missing_postgres_store_is_one_error_line(postgres_url: str) -> None:
    board = subprocess.run(
        [sys.executable, "-m", "optarena", "leaderboard", "x", "--store", postgres_url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert board.returncode == 2
    assert board.stderr.strip().startswith("error:") and "no results store" in board.stderr
    assert len(board.stderr.strip().splitlines()) == 1
