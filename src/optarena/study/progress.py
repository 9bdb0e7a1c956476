"""Live progress of a study on stderr: one overall bar (done/running/failed, ETA) and one line
per running trial (optimizer, lr, seed, epoch, loss, val acc), drawn with rich."""

from __future__ import annotations

import threading
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from optarena.study.executors.base import Outcome


class StudyProgress:
    """Turns tagged trainer events and outcomes into a live display (thread-safe)."""

    def __init__(
        self, labels: dict[str, str] | None = None, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True)
        self.labels = dict(labels or {})
        self.bar = Progress(
            TextColumn("[bold]trials"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task = self.bar.add_task("trials", total=0, stats="")
        self.lines: dict[str, str] = {}
        self.failed = 0
        self._lock = threading.Lock()
        self._live = Live(
            self._render(), console=self.console, refresh_per_second=4, transient=False
        )

    def __enter__(self) -> StudyProgress:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._live.update(self._render())
        self._live.__exit__(*exc)
        if not self.console.is_terminal:  # rich leaves the last frame without its newline
            self.console.file.write("\n")

    def start(self, total: int, done: int) -> None:
        """A phase of ``total`` trials of which ``done`` finished in an earlier run."""
        with self._lock:
            self.bar.reset(self.task, total=total, completed=done)
            self._refresh()

    def on_event(self, trial_id: str, event: str, payload: dict[str, Any]) -> None:
        with self._lock:
            label = self.labels.get(trial_id, trial_id[:8])
            if event == "start":
                resumed = (
                    f" (resumed after epoch {payload['resumed_at']})"
                    if payload.get("resumed_at")
                    else ""
                )
                self.lines[trial_id] = f"{label}: starting{resumed}"
            elif event == "step":
                self.lines[trial_id] = (
                    f"{label}: epoch {payload['epoch']} step {payload['step']} "
                    f"loss {payload['loss']:.4f}"
                )
            elif event == "epoch":
                key = payload.get("metric", "acc")  # the task's metric (optarena.metrics)
                self.lines[trial_id] = (
                    f"{label}: epoch {payload['epoch']} val {key} {payload[f'val_{key}']:.4f} "
                    f"loss {payload['train_loss']:.4f}"
                )
            elif event == "end":
                self.lines.pop(trial_id, None)
            self._refresh()

    def on_outcome(self, outcome: Outcome) -> None:
        with self._lock:
            self.lines.pop(outcome.trial_id, None)
            if outcome.state == "failed":
                self.failed += 1
                first = (outcome.error or "").strip().splitlines()[-1:] or [""]
                label = self.labels.get(outcome.trial_id, outcome.trial_id[:8])
                self._live.console.print(f"[red]trial {label} failed:[/red] {first[0]}")
            self.bar.advance(self.task)
            self._refresh()

    def _refresh(self) -> None:
        stats = f"running {len(self.lines)}  failed {self.failed}"
        self.bar.update(self.task, stats=stats)
        self._live.update(self._render())

    def _render(self) -> Group:
        return Group(self.bar, *(Text("  " + line) for line in list(self.lines.values())[:16]))
