"""The study runner: idempotence, failure isolation, SIGKILL-and-resume, concurrent runners."""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import parse_spec, run_study

RESULT_KEYS = (
    "best_val_acc",
    "best_epoch",
    "test_acc",
    "final_test_acc",
    "final_val_acc",
    "final_train_loss",
    "epochs_run",
    "steps_run",
)


def results(store_path: Path, study: str) -> dict[str, tuple]:
    """Each trial's state and the numbers of its summary (not timings or paths)."""
    with Store(store_path) as store:
        return {
            t.id: (t.state.value, *((t.summary or {}).get(k) for k in RESULT_KEYS))
            for t in store.trials(study)
        }


def metric_rows(store_path: Path) -> list[tuple]:
    with Store(store_path) as store:
        frame = store.metrics_frame()
    frame = frame[frame["name"] != "wall_s"]
    columns = ["trial_id", "step", "epoch", "split", "name"]
    return sorted(tuple(str(v) for v in row) for row in frame[columns].itertuples(index=False))


def test_second_run_executes_zero_trials(tmp_path: Path, tiny: dict) -> None:
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam"], "seeds": 2})
    first = run_study(spec, store_path=tmp_path / "s.db", out=tmp_path, executor="serial")
    assert len(first.executed) == 4 and first.counts["complete"] == 4
    again = run_study(spec, store_path=tmp_path / "s.db", out=tmp_path, executor="serial")
    assert again.executed == [] and again.skipped == 4
    with Store(tmp_path / "s.db") as store:
        assert len(store.trials("default")) == 4


def test_a_failing_trial_is_recorded_and_the_study_goes_on(
    tmp_path: Path, tiny: dict, failing_module: str
) -> None:
    spec = parse_spec({**tiny, "optimizers": [failing_module, "sgd"], "lrs": [0.1]})
    run = run_study(spec, store_path=tmp_path / "s.db", out=tmp_path, executor="serial")
    assert len(run.failed) == 1 and run.counts == {
        "pending": 0,
        "running": 0,
        "complete": 1,
        "diverged": 0,
        "failed": 1,
    }
    with Store(tmp_path / "s.db") as store:
        (bad,) = store.trials("default", state="failed")
    assert bad.config["optimizer"] == failing_module
    assert "Traceback" in bad.error and "boom at step 3" in bad.error
    rerun = run_study(spec, store_path=tmp_path / "s.db", out=tmp_path, executor="serial")
    assert rerun.executed == []  # a failure is a result; --retry-failed runs it again


def _wait_for(predicate, timeout: float = 120.0) -> None:
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise TimeoutError("condition not reached")
        time.sleep(0.05)


def _complete(store_path: Path) -> int:
    if not store_path.is_file():
        return 0
    try:
        with Store(store_path) as store:
            return store.counts()["complete"] if store.study_names() else 0
    except Exception:
        return 0


ARGS = (
    "--optimizers",
    "sgd,adam,rmsprop",
    "--seeds",
    "2",
    "--epochs",
    "3",
    "--subset",
    "150",
    "--batch-size",
    "50",
    "--executor",
    "serial",
    "--no-report",
)


@pytest.mark.slow
def test_sigkill_and_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, tiny: dict, compare_cmd
) -> None:
    killed = tmp_path / "killed.db"
    proc = compare_cmd(*ARGS, "--store", str(killed), "--out", "runs")
    _wait_for(lambda: _complete(killed) >= 2 or proc.poll() is not None)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _complete(killed) < 6, "the run finished before it could be killed"
    rerun = compare_cmd(*ARGS, "--store", str(killed), "--out", "runs")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam", "rmsprop"], "seeds": 2, "epochs": 3})
    run_study(spec, store_path=tmp_path / "clean.db", out=tmp_path / "clean", executor="serial")
    assert results(killed, "default") == results(tmp_path / "clean.db", "default")
    rows = metric_rows(killed)
    assert rows == metric_rows(tmp_path / "clean.db") and len(rows) == len(set(rows))
    with Store(killed) as store:
        assert store.integrity_check() == "ok" and len(store.trials()) == 6
    assert "rank" in out or "optimizer" in out


@pytest.mark.slow
def test_two_compare_processes_run_each_trial_once(tmp_path: Path, compare_cmd) -> None:
    store_path = tmp_path / "shared.db"
    procs = [compare_cmd(*ARGS, "--store", str(store_path), "--out", "runs") for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with Store(store_path) as store:
        trials = store.trials("default")
    assert len(trials) == 6 and all(t.state.value in ("complete", "diverged") for t in trials)
    assert Counter(t.attempt for t in trials) == Counter({1: 6})  # claimed once each
