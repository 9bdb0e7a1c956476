"""A results store filled with synthetic trials whose numbers the tests know."""

from __future__ import annotations

from pathlib import Path

import pytest

from optarena.store import Store

BASE = {"task": "toy", "opt": {}, "schedule": None, "sched": {}, "schedule_unit": "epoch",
        "epochs": 3, "batch_size": 32, "subset": None}  # fmt: skip

# name -> (config overrides, {seed: (state, test_acc)})
ENTRIES = {
    "adam": (
        {"optimizer": "adam", "lr": 1e-3, "lr_tuned": True, "schedule": "cosine",
         "sched": {"T_max": 3}},
        {0: ("complete", 0.95), 1: ("complete", 0.96), 2: ("complete", 0.97)},
    ),
    "momentum": (
        {"optimizer": "sgd", "lr": 0.1, "opt": {"momentum": 0.9}},
        {0: ("complete", 0.90), 1: ("complete", 0.92), 2: ("complete", 0.94)},
    ),
    "adamw": (
        {"optimizer": "adamw", "lr": 1e-3},
        {0: ("complete", 0.96), 1: ("complete", 0.95), 2: ("complete", 0.965), 3: ("pending", 0)},
    ),
    "rmsprop": (
        {"optimizer": "rmsprop", "lr": 0.01},
        {0: ("complete", 0.5), 1: ("diverged", 0.1), 2: ("failed", None)},
    ),
    "sgd-big": (
        {"optimizer": "sgd", "lr": 10.0},
        {0: ("diverged", None), 1: ("diverged", None)},
    ),
}  # fmt: skip


def val_curve(test_acc: float) -> list[float]:
    """Per-epoch validation accuracies of a synthetic trial (epochs 1..3)."""
    return [test_acc - 0.06, test_acc - 0.02, test_acc + 0.01]


def fill(store: Store) -> dict[tuple[str, int], str]:
    """Add study ``toy`` with ``ENTRIES`` and one search trial; returns trial ids."""
    store.add_study("toy", {"task": "toy"})
    ids = {}
    for name, (overrides, seeds) in ENTRIES.items():
        for seed, (state, acc) in seeds.items():
            config = {**BASE, **overrides, "seed": seed}
            tid = store.add_trial("toy", config)
            ids[name, seed] = tid
            if state == "pending":
                continue
            rows = []
            if acc is not None:
                for epoch, value in enumerate(val_curve(acc), start=1):
                    rows.append((None, epoch, "val", "acc", value))
                    rows.append((None, epoch, "train", "wall_s", 10.0 * epoch + seed))
                    rows.append((epoch * 5, epoch, "train", "loss", 1.0 / epoch))
            store.log_metrics(tid, rows)
            summary = {
                "test_acc": acc,
                "best_epoch": 3 - seed % 2,
                "final_test_acc": None if acc is None else acc - 0.01,
                "wall_s": 30.0 + seed,
            }
            store.finish(tid, state, summary, error="boom" if state == "failed" else None)
    search = {**BASE, "optimizer": "sgd", "lr": 0.01, "opt": {"momentum": 0.9}, "seed": 0}
    tid = store.add_trial("toy", search, role="search")
    store.finish(tid, "complete", {"test_acc": 0.3, "wall_s": 1.0})
    return ids


@pytest.fixture
def toy_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "optarena.db")
    fill(store)
    yield store
    store.close()
