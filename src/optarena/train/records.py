"""The trial's records, built one way for every executor: epoch record, metric rows, summary."""

from __future__ import annotations

from typing import Any

Row = tuple[int | None, int | None, str, str, float]  # (step, epoch, split, name, value)


def epoch_record(
    epoch: int, sums: tuple[float, int, int], val: tuple[float, float], wall_s: float, lr: float
) -> dict[str, Any]:
    """``sums`` = (example-weighted loss sum, correct, count) over the epoch's training batches."""
    loss_sum, correct, count = sums
    return {
        "epoch": epoch,
        "train_loss": loss_sum / max(count, 1),
        "train_acc": correct / max(count, 1),
        "val_loss": val[0],
        "val_acc": val[1],
        "wall_s": wall_s,
        "lr": lr,
    }


def epoch_rows(record: dict[str, Any]) -> list[Row]:
    """The epoch-level metric rows of the store (``step`` NULL)."""
    epoch = record["epoch"]
    return [
        (None, epoch, "train", "loss", record["train_loss"]),
        (None, epoch, "train", "acc", record["train_acc"]),
        (None, epoch, "val", "loss", record["val_loss"]),
        (None, epoch, "val", "acc", record["val_acc"]),
        (None, epoch, "train", "wall_s", record["wall_s"]),
    ]


def trial_summary(
    history: list[dict[str, Any]],
    *,
    best: tuple[float, int],
    test_acc: float | None,
    final_test_acc: float | None,
    steps: int,
    wall_s: float,
    checkpoint: str | None,
    diverged_at: dict[str, int] | None,
) -> tuple[str, dict[str, Any]]:
    """The trial's state and summary; ``best`` = (best val acc, its epoch; 0 when none)."""
    last = history[-1] if history else {}
    summary: dict[str, Any] = {
        "best_val_acc": best[0] if best[1] else None,
        "best_epoch": best[1] or None,
        "test_acc": test_acc,
        "final_test_acc": final_test_acc,
        "final_val_acc": last.get("val_acc"),
        "final_train_loss": last.get("train_loss"),
        "epochs_run": len(history),
        "steps_run": steps,
        "wall_s": round(wall_s, 3),
        "checkpoint": checkpoint,
    }
    if diverged_at is None:
        return "complete", summary
    summary["diverged_at"] = diverged_at
    return "diverged", summary
