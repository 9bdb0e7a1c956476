"""A results store filled, through the store's write API, with a small synthetic but
realistic study: 3 optimizers × LR grid × 3 seeds × 4 epochs, step and epoch metrics, one
diverged and one failed trial."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from optarena.store import Store

EPOCHS = 4
STEPS_PER_EPOCH = 5
EVIL = "<script>alert('x')</script>"


def _trial_config(task: str, optimizer: str, lr: float, seed: int, schedule=None, **opt):
    return {
        "task": task,
        "optimizer": optimizer,
        "opt": opt,
        "lr": lr,
        "schedule": schedule,
        "sched": {},
        "schedule_unit": "step",
        "seed": seed,
        "epochs": EPOCHS,
        "batch_size": 32,
        "subset": None,
    }


def _write_trial(
    store: Store,
    tid: str,
    quality: float,
    rng: np.random.Generator,
    lr: float,
    schedule: str | None,
    diverge_at: int | None = None,
) -> None:
    """Metrics and summary of one trial whose final accuracy is about ``quality``."""
    rows = []
    total = EPOCHS * STEPS_PER_EPOCH
    wall = 0.0
    best_val, best_epoch, test_at_best = -1.0, 0, math.nan
    for epoch in range(EPOCHS):
        for k in range(STEPS_PER_EPOCH):
            step = epoch * STEPS_PER_EPOCH + k
            frac = step / total
            step_lr = lr * 0.5 * (1 + math.cos(math.pi * frac)) if schedule else lr
            loss = 2.3 * math.exp(-3 * quality * frac) + 0.05 * rng.random()
            if diverge_at is not None and epoch >= diverge_at:
                loss = math.nan
            rows += [(step, epoch, "train", "loss", loss), (step, epoch, "train", "lr", step_lr)]
        if diverge_at is not None and epoch >= diverge_at:
            break
        wall += 1.0 + 0.1 * rng.random()
        acc = quality * (1 - math.exp(-(epoch + 1))) + 0.01 * rng.standard_normal()
        val = acc - 0.02 + 0.01 * rng.standard_normal()
        rows += [
            (None, epoch, "train", "loss", 2.3 * math.exp(-2 * quality * (epoch + 1))),
            (None, epoch, "train", "acc", acc),
            (None, epoch, "val", "loss", 2.3 * math.exp(-1.8 * quality * (epoch + 1))),
            (None, epoch, "val", "acc", val),
            (None, epoch, "train", "wall_s", wall),
        ]
        if val > best_val:
            best_val, best_epoch = val, epoch
            test_at_best = val + 0.005 * rng.standard_normal()
    store.log_metrics(tid, rows)
    if diverge_at is not None:
        summary = {
            "best_val_acc": best_val,
            "best_epoch": best_epoch,
            "test_acc": None,
            "final_test_acc": None,
            "final_val_acc": None,
            "epochs_run": diverge_at + 1,
            "wall_s": wall,
            "diverged_at": {"epoch": diverge_at, "step": diverge_at * 5},
        }
        store.finish(tid, "diverged", summary)
    else:
        summary = {
            "best_val_acc": best_val,
            "best_epoch": best_epoch,
            "test_acc": test_at_best,
            "final_test_acc": test_at_best - 0.003,
            "final_val_acc": val,
            "epochs_run": EPOCHS,
            "wall_s": wall,
        }
        store.finish(tid, "complete", summary)


def fill_study(
    store: Store,
    name: str,
    entries,
    tasks=("digits-mlp",),
    seeds=(0, 1, 2),
    extra_study_config=None,
) -> None:
    """``entries``: ``(optimizer, lr, schedule, quality, opt)``; quality < 0 means diverges."""
    store.add_study(name, {"tasks": list(tasks), "note": EVIL, **(extra_study_config or {})})
    rng = np.random.default_rng(0)
    for t_index, task in enumerate(tasks):
        for optimizer, lr, schedule, quality, opt in entries:
            for seed in seeds:
                config = _trial_config(task, optimizer, lr, seed, schedule, **opt)
                tid = store.add_trial(name, config)
                q = abs(quality) - 0.03 * t_index * (optimizer == "sgd")
                _write_trial(
                    store,
                    tid,
                    q,
                    rng,
                    lr,
                    schedule,
                    diverge_at=1 if quality < 0 and seed == 0 else None,
                )


DEMO_ENTRIES = [
    ("sgd", 0.1, None, 0.90, {}),
    ("sgd", 0.01, None, 0.80, {}),
    ("adam", 0.001, "cosine", 0.95, {}),
    ("adam", 0.01, "cosine", 0.92, {}),
    ("momentum", 0.05, None, 0.93, {"momentum": 0.9}),
    ("momentum", 0.5, None, -0.60, {"momentum": 0.9}),  # seed 0 diverges
]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One task, an LR grid for three optimizers, one diverged and one failed trial."""
    store = Store(tmp_path_factory.mktemp("demo") / "store.db")
    fill_study(store, "demo", DEMO_ENTRIES)
    failed = store.add_trial("demo", _trial_config("digits-mlp", "lion", 1e-4, 0))
    store.finish(failed, "failed", {}, error="RuntimeError: out of memory <in> 'forward'")
    return store


@pytest.fixture(scope="session")
def multitask_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Two tasks × three optimizers, two seeds: a performance-profile study."""
    store = Store(tmp_path_factory.mktemp("multi") / "multi.db")
    entries = [
        ("sgd", 0.1, None, 0.90, {}),
        ("adam", 0.001, None, 0.94, {}),
        ("momentum", 0.05, None, 0.92, {"momentum": 0.9}),
    ]
    fill_study(store, "multi", entries, tasks=("digits-mlp", "digits-logreg"), seeds=(0, 1))
    return store


@pytest.fixture(scope="session")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A study and an optimizer named with markup, and a failed trial whose error has some."""
    store = Store(tmp_path_factory.mktemp("evil") / "evil.db")
    entries = [(f"sgd{EVIL}", 0.1, None, 0.9, {}), ("adam", 0.001, None, 0.93, {})]
    fill_study(store, EVIL, entries, seeds=(0, 1))
    failed = store.add_trial(EVIL, _trial_config("digits-mlp", "lion", 1e-4, 0))
    store.finish(failed, "failed", {}, error=f"ValueError: bad {EVIL}")
    return store


@pytest.fixture
def flat_data(tmp_path):
    """Two entries without a schedule: their learning rates never change."""
    from optarena.report import data

    with Store(tmp_path / "flat.db") as store:
        fill_study(store, "flat", [DEMO_ENTRIES[0], DEMO_ENTRIES[1]], seeds=(0,))
        return data.load(store, "flat")


@pytest.fixture(scope="session")
def demo_data(demo_store: Store):
    from optarena.report import data

    return data.load(demo_store, "demo")


@pytest.fixture(scope="session")
def demo_report(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report.html`` of the demo study, built once for the session."""
    from optarena.report import build_report

    return build_report(demo_store, "demo", tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="session")
def demo_png_report(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report.html`` of the demo study with its figures as PNG files (``--png``)."""
    from optarena.report import build_report

    return build_report(demo_store, "demo", tmp_path_factory.mktemp("png"), formats=("png",))


@pytest.fixture(scope="session")
def evil_report(evil_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from optarena.report import build_report

    return build_report(evil_store, EVIL, tmp_path_factory.mktemp("evil-report"))


@pytest.fixture(scope="session")
def evil() -> str:
    """A name a user could type that is also markup."""
    return EVIL


@pytest.fixture
def small_study(tmp_path: Path):
    """A fresh store with study ``small`` (two entries × two seeds) and a function that adds
    one more entry ``(optimizer, lr, schedule, quality, opt)`` to it."""
    store = Store(tmp_path / "small.db")
    fill_study(store, "small", [DEMO_ENTRIES[0], DEMO_ENTRIES[2]], seeds=(0, 1))

    def add(entry) -> None:
        fill_study(store, "small", [entry], seeds=(0, 1))

    yield store, add
    store.close()


TUNED_OPTIMIZERS = (("sgd", 0.88, {}), ("adam", 0.94, {}), ("momentum", 0.91, {"momentum": 0.9}))


def fill_tuned(store: Store, name: str, trials: int = 5, seeds=(0, 1)) -> None:
    """A tuned study as ``lrs = "tune"`` stores it: per optimizer ``trials`` 3-epoch search
    candidates (seed 0, role ``search``; the last one pruned, stored failed with the pruner's
    reason), then the best LR over ``seeds`` as final trials."""
    store.add_study(name, {"tasks": ["digits-mlp"], "lrs": "tune"})
    rng = np.random.default_rng(1)
    for optimizer, quality, opt in TUNED_OPTIMIZERS:
        lrs = 10 ** rng.uniform(-3.5, -0.5, trials)
        scores = []
        for i, lr in enumerate(lrs):
            config = {**_trial_config("digits-mlp", optimizer, float(lr), 0, **opt), "epochs": 3}
            tid = store.add_trial(name, config, role="search")
            q = quality - 0.15 * abs(math.log10(lr) + 2.0) / 1.5
            scores.append(q)
            _write_trial(store, tid, q, rng, float(lr), None)
            if i == trials - 1:
                store.finish(tid, "failed", {}, error="Traceback ...\n_PrunedError: pruned by "
                             "successive halving at epoch 1")  # fmt: skip
                scores[-1] = -1.0
        best = float(lrs[int(np.argmax(scores))])
        for seed in seeds:
            tid = store.add_trial(name, _trial_config("digits-mlp", optimizer, best, seed, **opt))
            _write_trial(store, tid, quality, rng, best, None)


@pytest.fixture(scope="session")
def tuned_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A tuned study: 3 optimizers × 5 search candidates (one pruned each) + 2-seed finals."""
    store = Store(tmp_path_factory.mktemp("tuned") / "tuned.db")
    fill_tuned(store, "tuned")
    return store


@pytest.fixture(scope="session")
def tuned_report(tuned_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from optarena.report import build_report

    return build_report(tuned_store, "tuned", tmp_path_factory.mktemp("tuned-report"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, cdp):
    """A headless Chromium page driven over the DevTools pipe (skipped without Chromium)."""
    if cdp.BROWSER is None:
        pytest.skip("chromium is not installed")
    b = cdp.Browser(tmp_path_factory.mktemp("chromium"))
    yield b
    b.close()
