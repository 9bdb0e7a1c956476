"""The trial's records, built one way for every executor: epoch record, metric rows, summary."""

from __future__ import annotations

from typing import Any

Row = tuple[int | None, int | None, str, str, float]  # (step, epoch, split, name, value)


def epoch_record(
    epoch: int,
    sums: tuple[float, float, int],
    val: tuple[float, float],
    wall_s: float,
    lr: float,
    key: str = "acc",
) -> dict[str, Any]:
    """``sums`` = (example-weighted loss sum, metric sum, count) over the epoch's training
    batches; ``key`` is the task's metric key (:mod:`optarena.metrics`; ``acc`` = accuracy)."""
    loss_sum, metric_sum, count = sums
    record = {
        "epoch": epoch,
        "train_loss": loss_sum / max(count, 1),
        f"train_{key}": metric_sum / max(count, 1),
        "val_loss": val[0],
        f"val_{key}": val[1],
        "wall_s": wall_s,
        "lr": lr,
    }
    if key != "acc":
        record["metric"] = key
    return record


def epoch_rows(record: dict[str, Any]) -> list[Row]:
    """The epoch-level metric rows of the store (``step`` NULL)."""
    epoch, key = record["epoch"], record.get("metric", "acc")
    rows: list[Row] = [
        (None, epoch, "train", "loss", record["train_loss"]),
        (None, epoch, "train", key, record[f"train_{key}"]),
        (None, epoch, "val", "loss", record["val_loss"]),
        (None, epoch, "val", key, record[f"val_{key}"]),
        (None, epoch, "train", "wall_s", record["wall_s"]),
    ]
    if key == "loss":  # the metric is the loss itself: one row each
        rows = [rows[0], rows[2], rows[4]]
    return rows


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
    key: str = "acc",
) -> tuple[str, dict[str, Any]]:
    """The trial's state and summary; ``best`` = (best val metric, its epoch; 0 when none);
    ``test_acc``/``final_test_acc`` hold the task's metric, stored under ``test_<key>`` etc.
    (a non-accuracy summary also says ``metric: key``)."""
    last = history[-1] if history else {}
    summary: dict[str, Any] = {
        f"best_val_{key}": best[0] if best[1] else None,
        "best_epoch": best[1] or None,
        f"test_{key}": test_acc,
        f"final_test_{key}": final_test_acc,
        f"final_val_{key}": last.get(f"val_{key}"),
        "final_train_loss": last.get("train_loss"),
        "epochs_run": len(history),
        "steps_run": steps,
        "wall_s": round(wall_s, 3),
        "checkpoint": checkpoint,
    }
    if key != "acc":
        summary["metric"] = key
    if diverged_at is None:
        return "complete", summary
    summary["diverged_at"] = diverged_at
    return "diverged", summary
