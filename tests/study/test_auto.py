"""``auto``: vectorized groups on a GPU; on CPUs groups on every core for small models (MLPs),
``local`` for the rest; the numbers are the serial trainer's to float tolerance."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.study.executors import auto, auto_groups, make_executor
from optarena.study.executors.base import Job
from optarena.train import TrialConfig

KEYS = ("best_val_acc", "best_epoch", "test_acc", "final_train_loss", "epochs_run")


def _job(**fields: object) -> Job:
    config = TrialConfig(**{"optimizer": "sgd", "lr": 0.1, "device": "cpu", **fields})
    return Job(config.trial_id, config, "s", "final", Path("."), Path("x.db"), "me", 1.0)


def test_auto_picks_groups_for_small_models_and_local_for_convolutions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert make_executor("auto").name == "auto"
    assert auto.choice_for(_job(task="digits-mlp")) == "vectorized"
    assert auto.choice_for(_job(task="digits-logreg")) == "vectorized"
    assert auto.choice_for(_job(task="mnist-cnn")) == auto.CPU_CHOICE == "local"
    with_dropout = _job(task="digits-mlp", task_options={"model_kwargs": {"dropout": 0.5}})
    assert auto.choice_for(with_dropout) == "local"  # dropout masks cannot be vectorized
    assert auto.choice_for(_job(task="no-such-task")) == "local"  # fails inside the trial
    monkeypatch.setattr(auto, "_on_gpu", lambda job: True)
    assert auto.choice_for(_job(task="mnist-cnn")) == "vectorized"


def test_split_keeps_group_keys_apart_and_parts_even() -> None:
    mlp = [_job(task="digits-mlp", seed=s) for s in range(7)]
    logreg = [_job(task="digits-logreg", seed=s) for s in range(3)]
    assert sorted(len(p) for p in auto_groups.split(mlp + logreg, 2)) == [3, 7]
    parts = auto_groups.split(mlp + logreg, 3)
    assert sorted(len(p) for p in parts) == [3, 3, 4]  # 7 MLPs in two parts, logreg in one
    for part in parts:
        assert len({j.config.task for j in part}) == 1
    assert sorted(j.trial_id for p in parts for j in p) == sorted(j.trial_id for j in mlp + logreg)
    assert [len(p) for p in auto_groups.split(mlp, 1, max_group=3)] == [3, 2, 2]
    dealt = auto_groups.split(mlp, 2)  # in turn: each part gets early and late settings
    assert [[j.config.seed for j in p] for p in dealt] == [[0, 2, 4, 6], [1, 3, 5]]


def _summaries(path: Path) -> dict[str, dict]:
    with Store(path) as store:
        return {
            t.id: {"state": t.state.value, **(t.summary or {})} for t in store.trials("default")
        }


@pytest.mark.slow
def test_auto_on_two_cores_equals_serial(tmp_path: Path, tiny: dict) -> None:
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam", "lion"], "lrs": [0.01], "seeds": 2})
    kw = {"workers": 2}
    run = run_study(spec, store_path=tmp_path / "a.db", out=tmp_path / "a", executor="auto", **kw)
    assert not run.failed and len(run.executed) == 6
    run_study(spec, store_path=tmp_path / "s.db", out=tmp_path / "s", executor="serial")
    got, want = _summaries(tmp_path / "a.db"), _summaries(tmp_path / "s.db")
    assert got.keys() == want.keys() and len(got) == 6
    for trial_id, expected in want.items():
        assert got[trial_id]["state"] == expected["state"] == "complete"
        for key in KEYS:
            a, b = got[trial_id][key], expected[key]
            assert math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-5), (trial_id, key, a, b)


def _write_then_hang(target: str) -> None:
    import time

    from optarena import atomic

    with atomic.replacing(target) as tmp, open(tmp, "wb") as handle:
        handle.write(b"half a checkpoint")
        handle.flush()
        time.sleep(60)


def test_a_part_killed_mid_write_leaves_no_temporary(tmp_path: Path) -> None:
    """The runner kills a part's process on an interruption: the checkpoint it was writing
    into one of its trials' folders goes with it; the files there stay."""
    import dataclasses
    import multiprocessing
    import time

    from optarena.train.run import trial_dir

    job = dataclasses.replace(_job(task="digits-mlp"), out=tmp_path)
    folder = trial_dir(tmp_path, job.trial_id)
    folder.mkdir(parents=True)
    (folder / "last.pt").write_bytes(b"whole")
    ctx = multiprocessing.get_context("fork")
    process = ctx.Process(target=_write_then_hang, args=(str(folder / "last.pt"),))
    process.start()
    while not list(folder.glob(".last.tmp*")):
        time.sleep(0.02)
    process.kill()
    process.join()
    conn, alive = ctx.Pipe(duplex=False)
    part = auto_groups._Part(process, conn, alive, {job.trial_id: job})
    auto_groups._remove_half_writes(part)
    assert sorted(p.name for p in folder.iterdir()) == ["last.pt"]
    assert (folder / "last.pt").read_bytes() == b"whole"
