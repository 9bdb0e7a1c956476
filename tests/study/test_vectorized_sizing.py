"""A vectorized group's size follows a memory estimate; its CPU thread count a one-time
probe."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.study.executors import vec_memory, vec_run, vec_threads, vectorized


def test_group_size_follows_the_memory_estimate(
    tmp_path: Path, tiny: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    init = vec_run.GroupRun.__init__

    def spy(self: vec_run.GroupRun, setup, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        sizes.append(len(setup.members))
        init(self, setup, *args, **kwargs)

    monkeypatch.setattr(vec_run.GroupRun, "__init__", spy)
    per_trial: list[int] = []
    estimate = vectorized.setup_bytes
    monkeypatch.setattr(
        vectorized, "setup_bytes", lambda s: per_trial.append(estimate(s)) or per_trial[-1]
    )
    # free memory for 2.5 trials at the planned share: groups of 2 and 1
    monkeypatch.setattr(
        vec_memory, "free_bytes", lambda device: int(2.5 * per_trial[-1] / vec_memory.SHARE)
    )
    raw = {**tiny, "epochs": 1, "seeds": 3, "optimizers": ["momentum"], "lrs": [0.05]}
    run_study(parse_spec(raw), store_path=tmp_path / "m.db", out=tmp_path, executor="vectorized")
    assert sizes == [2, 1]
    # the estimate counts parameters (4 copies + 3 optimizer states) and activations
    params = 64 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10
    assert per_trial[0] > (vec_memory.PARAM_COPIES + vec_memory.STATE_COPIES) * params * 4
    with Store(tmp_path / "m.db") as store:
        assert {t.state.value for t in store.trials("default")} == {"complete"}


def test_thread_probe_keeps_the_faster_count(monkeypatch: pytest.MonkeyPatch) -> None:
    class Engine:
        k, setup = 4, type("S", (), {"batch_size": 8})()
        params = {"w": torch.zeros(4, 3)}

    timed = {1: 0.5, 2: 0.1}
    monkeypatch.setattr(vec_threads, "_pass_seconds", lambda engine, n: timed[n])
    monkeypatch.setattr(vec_threads, "_DECISIONS", {})
    before = torch.get_num_threads()
    try:
        assert vec_threads.choose_threads(Engine(), (1, 2)) == 2  # type: ignore[arg-type]
        timed[2] = 5.0  # the decision is cached per process
        assert vec_threads.choose_threads(Engine(), (1, 2)) == 2  # type: ignore[arg-type]
        monkeypatch.setattr(vec_threads, "_DECISIONS", {})
        assert vec_threads.choose_threads(Engine(), (1, 2)) == 1  # type: ignore[arg-type]
    finally:
        torch.set_num_threads(before)
