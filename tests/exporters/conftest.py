"""A small store for the exporters: a complete trial (step and epoch rows), a diverged one (a
NaN loss, a schedule, a different subset type) and a pending one, written with the store API."""

from __future__ import annotations

import math

import pytest

from optarena.store import open_store


def _config(optimizer, lr, seed, **extra):
    return {"task": "digits-mlp", "optimizer": optimizer, "opt": {"momentum": 0.9}, "lr": lr,
            "schedule": None, "sched": {}, "seed": seed, "epochs": 2, "batch_size": 32,
            "subset": None, **extra}  # fmt: skip


def _rows(quality, nan_at=None):
    rows = []
    for epoch in range(2):
        for k in range(3):
            step = epoch * 3 + k
            loss = math.nan if nan_at is not None and step >= nan_at else 2.0 / (1 + quality * step)
            rows += [
                (step, epoch, "train", "loss", loss),
                (step, epoch, "train", "lr", 0.1 / (1 + step)),
            ]
        rows += [(None, epoch, "train", "loss", 1.5 - quality * epoch / 3),
                 (None, epoch, "val", "acc", 0.3 + quality * epoch / 4),
                 (None, epoch, "train", "wall_s", 0.7 * (epoch + 1))]  # fmt: skip
    return rows


@pytest.fixture
def export_store(tmp_path):
    path = tmp_path / "s.db"
    with open_store(path) as store:
        store.add_study("demo", {"task": "digits-mlp"})
        good = store.add_trial("demo", _config("sgd", 0.1, 0))
        bad = store.add_trial(
            "demo", _config("adam", 0.5, 0, schedule="cosine", sched={"T_max": 2}, subset=128)
        )
        store.add_trial("demo", _config("sgd", 0.1, 1))
        for tid, quality, nan_at, state in (
            (good, 0.8, None, "complete"),
            (bad, 0.4, 4, "diverged"),
        ):
            store.claim(tid, "me", lease_s=60)
            store.log_metrics(tid, _rows(quality, nan_at))
            summary = {"best_val_acc": 0.3 + quality / 4, "test_acc": 0.29 + quality / 4,
                       "best_epoch": 1, "epochs_run": 2, "wall_s": 1.4}  # fmt: skip
            store.finish(tid, state, summary, owner="me")
    return path


@pytest.fixture
def expected(export_store):
    """``{trial_id: {tag: [(x, value), ...]}}`` straight from the store's metric rows."""
    with open_store(export_store, read_only=True) as store:
        frame = store.metrics_frame(study="demo")
    out = {}
    for row in frame.itertuples():
        level = "epoch" if row.step is None or str(row.step) == "<NA>" else "step"
        x = int(row.epoch) if level == "epoch" else int(row.step)
        out.setdefault(row.trial_id, {}).setdefault(f"{level}/{row.split}/{row.name}", []).append(
            (x, row.value)
        )
    return out


def close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-6)


@pytest.fixture
def same():
    return close
