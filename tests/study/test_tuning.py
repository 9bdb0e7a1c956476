"""``lrs = "tune"``: equal search budget per optimizer, search/final roles, idempotent reruns."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from optarena import optim
from optarena.store import Store
from optarena.study import parse_spec, run_study

pytest.importorskip("optuna")


@pytest.mark.slow
def test_tune_searches_each_lr_range_then_runs_the_best_over_seeds(
    tmp_path: Path, tiny: dict
) -> None:
    raw = {
        **tiny,
        "optimizers": ["sgd", "adam"],
        "lrs": "tune",
        "seeds": 2,
        "tune": {"trials": 3, "sampler": "random", "epochs": 2},
    }
    spec = parse_spec(raw)
    run = run_study(spec, store_path=tmp_path / "t.db", out=tmp_path, executor="serial")
    with Store(tmp_path / "t.db") as store:
        search = store.trials("default", role="search")
        final = store.trials("default", role="final")
    for name in ("sgd", "adam"):
        mine = [t for t in search if t.config["optimizer"] == name]
        low, high = optim.spec(name).lr_range
        assert len(mine) == 3 and all(low <= t.config["lr"] <= high for t in mine)
        done = [t for t in mine if t.state.value == "complete"]
        best = max(done, key=lambda t: t.summary["best_val_acc"])
        finals = [t for t in final if t.config["optimizer"] == name]
        assert sorted(t.config["seed"] for t in finals) == [0, 1]
        assert all(math.isclose(t.config["lr"], best.config["lr"]) for t in finals)
    # the seed-0 final of each optimizer is its best search trial (same config, run once)
    assert len(final) == 4 and run.skipped == 2 and len(run.executed) == 2
    again = run_study(spec, store_path=tmp_path / "t.db", out=tmp_path, executor="serial")
    assert again.executed == []
    with Store(tmp_path / "t.db") as store:
        assert len(store.trials("default", role="search")) == 6
