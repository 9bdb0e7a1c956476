"""A live progress bar for one trial (loss, accuracy, lr, ETA), drawn on stderr."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

err_console = Console(stderr=True)


class TrialProgress:
    """Turns the trainer's events into a rich progress bar and a few plain lines."""

    def __init__(self, console: Console = err_console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task_id: Any = None
        self.epochs = 0
        self.val_acc: float | None = None

    def __enter__(self) -> TrialProgress:
        return self  # the bar starts with the trial, so an early error prints nothing else

    def __exit__(self, *exc: object) -> None:
        if self.task_id is not None:
            self.progress.__exit__(*exc)

    def on_event(self, event: str, payload: dict[str, Any]) -> None:
        handler = getattr(self, f"_on_{event}", None)
        if handler is not None:
            handler(payload)

    def _on_start(self, p: dict[str, Any]) -> None:
        self.epochs = p["epochs"]
        total = p["epochs"] * p["steps_per_epoch"]
        done = p["resumed_at"] * p["steps_per_epoch"]
        self.progress.__enter__()
        if p["resumed_at"]:
            self.console.print(f"resuming trial {p['trial_id']} after epoch {p['resumed_at']}")
        self.task_id = self.progress.add_task(
            f"trial {p['trial_id'][:8]}", total=total, completed=done, stats=""
        )

    def _on_step(self, p: dict[str, Any]) -> None:
        key = getattr(self, "key", "acc")
        acc = "" if self.val_acc is None else f" val {key} {self.val_acc:.4f}"
        stats = f"epoch {p['epoch']}/{self.epochs} loss {p['loss']:.4f} lr {p['lr']:.3g}{acc}"
        self.progress.update(self.task_id, advance=1, stats=stats)

    def _on_epoch(self, p: dict[str, Any]) -> None:
        key = self.key = p.get("metric", "acc")  # the task's metric (optarena.metrics)
        self.val_acc = p[f"val_{key}"]
        self.progress.console.print(
            f"epoch {p['epoch']}: train loss {p['train_loss']:.4f} {key} "
            f"{p[f'train_{key}']:.4f} | val loss {p['val_loss']:.4f} {key} "
            f"{p[f'val_{key}']:.4f} | {p['wall_s']:.1f}s"
        )

    def _on_end(self, p: dict[str, Any]) -> None:
        if p.get("diverged_at"):
            at = p["diverged_at"]
            self.console.print(f"diverged at epoch {at['epoch']} (step {at['step']})")
        key = p.get("metric", "acc")
        if p.get("best_epoch"):
            best = p[f"best_val_{key}"]
            self.console.print(f"best val {key} {best:.4f} at epoch {p['best_epoch']}")
        if p.get(f"test_{key}") is not None:
            self.console.print(f"test {key} of the best checkpoint {p[f'test_{key}']:.4f}")
