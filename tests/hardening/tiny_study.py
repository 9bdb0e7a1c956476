"""The two-trial study the disk-full tests run, and what they read back from it."""

from __future__ import annotations

from pathlib import Path

from optarena.store import Store


def study_args(out: Path, *extra: str) -> list[str]:
    return ["compare", "--task", "digits-mlp", "--epochs", "2", "--subset", "64", "--batch-size",
            "32", "--optimizers", "sgd,adam", "--seeds", "1", "--executor", "serial",
            "--out", str(out), "--no-report", *extra]  # fmt: skip


def study_numbers(out: Path) -> dict[str, list]:
    """Each trial's epoch metrics and test accuracy (no wall times)."""
    with Store(out / "optarena.db", read_only=True) as store:
        frame = store.metrics_frame(study="default", level="epoch")
        frame = frame[frame["name"] != "wall_s"].sort_values(["trial_id", "epoch", "split", "name"])
        trials = store.trials("default")
        result = {t.id: [t.state.value, (t.summary or {}).get("test_acc")] for t in trials}
    for trial_id, rows in frame.groupby("trial_id"):
        result[str(trial_id)].append(rows[["epoch", "split", "name", "value"]].values.tolist())
    return result


def study_states(out: Path) -> list[str]:
    with Store(out / "optarena.db", read_only=True) as store:
        return sorted(t.state.value for t in store.trials("default"))


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if ".tmp" in p.name]
