"""The vectorized engine on CUDA: equal to the serial trainer, and no host sync inside a step
(``torch.cuda.set_sync_debug_mode("error")`` raises on any synchronizing call). Skipped without
CUDA; ``benchmarks/gpu_check.sh`` runs these on a machine with a GPU."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.study.executors.base import Job
from optarena.study.executors.vec_engine import GroupEngine
from optarena.study.executors.vec_setup import build_group, lr_table
from optarena.train import TrialConfig

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")

OPTIMIZERS = [
    "sgd",
    "momentum",
    "nesterov",
    "adam",
    "adamw",
    "amsgrad",
    "adamax",
    "nadam",
    "radam",
    "rmsprop",
    "rmsprop-centered",
    "adagrad",
    "adadelta",
    "lion",
    "qhm",
    "qhadam",
    "lamb",
    "lars",
    "adabelief",
]


def test_no_host_sync_inside_an_epoch() -> None:
    configs = [
        TrialConfig(
            optimizer=name,
            lr=1e-3 * (1 + j % 3),
            task="digits-mlp",
            seed=j % 2,
            subset=320,
            batch_size=32,
            clip_grad=1.0 if j % 2 else None,
            device="cuda",
        )
        for j, name in enumerate(OPTIMIZERS)
    ]
    jobs = [Job(c.trial_id, c, "gpu", "final", Path("."), Path("x.db"), "me", 1.0) for c in configs]
    setup, serial = build_group(jobs, torch.device("cuda"))
    assert setup is not None and not serial
    engine = GroupEngine(setup)
    steps = len(engine.steps_in_epoch())
    lr = lr_table(setup.members, 0, 1, steps)
    engine.train_epoch(1, 0, lr)  # warm-up (first-use allocations)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        out = engine.train_epoch(2, steps, lr)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert torch.isfinite(out["losses"]).all()


def test_cuda_group_equals_serial(tmp_path: Path, tiny: dict) -> None:
    spec = parse_spec(
        {
            **tiny,
            "device": "cuda",
            "seeds": 2,
            "lrs": [0.01],
            "optimizers": {"momentum": {}, "adam": {}, "lamb": {}},
        }
    )
    for executor in ("vectorized", "serial"):
        run_study(
            spec, store_path=tmp_path / f"{executor}.db", out=tmp_path / executor, executor=executor
        )
    with Store(tmp_path / "vectorized.db") as a, Store(tmp_path / "serial.db") as b:
        vec = {t.id: t.summary for t in a.trials("default")}
        ser = {t.id: t.summary for t in b.trials("default")}
    assert vec.keys() == ser.keys()
    for trial_id, want in ser.items():
        for key in ("best_val_acc", "final_val_acc", "final_train_loss", "steps_run"):
            assert math.isclose(vec[trial_id][key], want[key], rel_tol=1e-3, abs_tol=1e-3), key
