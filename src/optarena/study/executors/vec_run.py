"""Train one vectorized group epoch by epoch: host bookkeeping, store rows, checkpoints.

The host reads the device once per epoch: the per-step losses (every step row is still
recorded), the sums behind the epoch record and where trials diverged. Rows are logged before
the group checkpoint (``OUT/groups/<hash>/last.pt``) is written, as the serial trainer does, so a
group killed at any point resumes from its last completed epoch with identical numbers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from optarena.store.hashing import config_hash
from optarena.study.executors.vec_engine import GroupEngine
from optarena.study.executors.vec_setup import GroupSetup, lr_table
from optarena.train.checkpoint import BEST, LAST, load_checkpoint, save_checkpoint
from optarena.train.records import Row, epoch_record, epoch_rows, trial_summary
from optarena.train.run import trial_dir

Emit = Callable[[str, str, dict[str, Any]], None]


@dataclass
class TrialProgress:
    """One trial's running numbers (saved in the group checkpoint)."""

    history: list[dict[str, Any]] = field(default_factory=list)
    best_val_acc: float = -1.0
    best_epoch: int = 0
    diverged_at: dict[str, int] | None = None


@dataclass
class GroupProgress:
    epoch: int = 0
    step: int = 0
    wall_s: float = 0.0
    #: the intra-op threads the group chose (kept on resume: the same rounding; 0 = not chosen)
    threads: int = 0


def group_dir(out: Path, trial_ids: list[str]) -> Path:
    return Path(out) / "groups" / config_hash({"trials": trial_ids})[:16]


class GroupRun:
    """Runs a built group to the end; :meth:`run` returns ``(state, summary)`` per member."""

    def __init__(
        self, setup: GroupSetup, store: Any, emit: Emit, threads: tuple[int, ...] = ()
    ) -> None:
        """``threads``: intra-op thread counts to choose from by a probe (empty: keep)."""
        self.setup, self.store, self.emit, self.threads = setup, store, emit, threads
        self.jobs = [m.job for m in setup.members]
        self.ids = [j.trial_id for j in self.jobs]
        self.dir = group_dir(self.jobs[0].out, self.ids)
        self.engine = GroupEngine(setup)
        self.progress = GroupProgress()
        self.trials = [TrialProgress() for _ in self.jobs]

    def _resume(self) -> None:
        path = self.dir / LAST
        if not path.is_file():
            return
        payload = load_checkpoint(path)
        if payload.get("trial_ids") != self.ids:
            return  # another composition of trials: start afresh
        self.engine.load_state_dict(payload["engine"])
        self.progress = GroupProgress(**payload["progress"])
        self.trials = [TrialProgress(**t) for t in payload["trials"]]
        for schedule, state in zip(self._plateaus(), payload.get("schedules", []), strict=False):
            if schedule is not None and state:
                schedule.load_state_dict(state)

    def _plateaus(self) -> list[Any]:
        """Each member's metric-driven schedule (``reduce-on-plateau``), or None."""
        return [
            m.schedule if getattr(m.schedule, "metric_driven", False) else None
            for m in self.setup.members
        ]

    def _save(self) -> None:
        save_checkpoint(
            self.dir / LAST,
            {
                "trial_ids": self.ids,
                "engine": self.engine.state_dict(),
                "progress": asdict(self.progress),
                "trials": [asdict(t) for t in self.trials],
                "schedules": [s.state_dict() if s else None for s in self._plateaus()],
            },
        )

    def run(self) -> list[tuple[str, dict[str, Any]]]:
        self._resume()
        if self.threads and self.progress.threads in self.threads:
            torch.set_num_threads(self.progress.threads)
        elif self.threads:
            from optarena.study.executors.vec_threads import choose_threads

            self.progress.threads = choose_threads(self.engine, self.threads)
        spe = len(self.engine.steps_in_epoch())
        for job in self.jobs:
            self.store.truncate_metrics(job.trial_id, self.progress.epoch)
            payload = {
                "trial_id": job.trial_id,
                "epochs": self.setup.epochs,
                "resumed_at": self.progress.epoch,
                "steps_per_epoch": spe,
            }
            self.emit(job.trial_id, "start", payload)
        while self.progress.epoch < self.setup.epochs and any(
            t.diverged_at is None for t in self.trials
        ):
            self._epoch()
        return self._finish()

    def _epoch(self) -> None:
        p, engine = self.progress, self.engine
        epoch, started = p.epoch + 1, time.perf_counter()
        steps = len(engine.steps_in_epoch())
        lr = lr_table(self.setup.members, p.step, epoch, max(steps, 1))
        out = engine.train_epoch(epoch, p.step, lr[:steps])
        losses = out["losses"].cpu().tolist()  # the one read of the epoch
        where, sums = out["diverged"].tolist(), out["loss_sum"].tolist()
        correct = out["correct"].tolist()
        val_loss, val_acc = engine.evaluate("val")
        p.wall_s += time.perf_counter() - started
        improved, killed, records = [False] * engine.k, [], {}
        plateaus = self._plateaus()
        for j, trial in enumerate(self.trials):
            if trial.diverged_at is not None:
                continue
            if where[j] >= 0 or not math.isfinite(val_loss[j]):
                at = where[j] if where[j] >= 0 else p.step + steps
                trial.diverged_at = {"epoch": epoch, "step": at}
                killed.append(j)
                continue
            last_lr = float(lr[max(steps - 1, 0), j])
            record = epoch_record(
                epoch,
                (sums[j], correct[j], out["count"]),
                (val_loss[j], val_acc[j]),
                p.wall_s,
                last_lr,
            )
            rows: list[Row] = []
            for s in range(steps):
                rows += [
                    (p.step + s, epoch, "train", "loss", losses[s][j]),
                    (p.step + s, epoch, "train", "lr", float(lr[s, j])),
                ]
            rows += epoch_rows(record)
            trial.history.append(record)
            records[j] = (record, rows)
            if val_acc[j] > trial.best_val_acc:
                trial.best_val_acc, trial.best_epoch, improved[j] = val_acc[j], epoch, True
            if plateaus[j] is not None:  # per-trial plateau state, once per epoch on the host
                plateaus[j].step(val_loss[j])
        engine.keep_best(improved)
        engine.kill(killed)
        p.step, p.epoch = p.step + steps, epoch
        for j, (_, rows) in records.items():  # rows first: a kill before the save re-logs
            self.store.log_metrics(self.ids[j], rows)
        self._save()
        for j, (record, _) in records.items():
            self.emit(self.ids[j], "epoch", record)

    def _finish(self) -> list[tuple[str, dict[str, Any]]]:
        engine = self.engine
        final_loss, final_acc = engine.evaluate("test")
        if engine.best_is_current():  # every trial's best epoch was its last: same numbers
            best_loss, best_acc = final_loss, final_acc
        else:
            best_loss, best_acc = engine.evaluate("test", engine.best)
        results = []
        for j, (job, trial) in enumerate(zip(self.jobs, self.trials, strict=True)):
            final = None
            if trial.diverged_at is None and math.isfinite(final_loss[j]):
                final = final_acc[j]
            checkpoint, test_acc = None, None
            if trial.best_epoch:
                path = trial_dir(job.out, job.trial_id) / BEST
                save_checkpoint(
                    path,
                    {
                        "trial_id": job.trial_id,
                        "config": job.config.to_dict(),
                        "model": engine.trial_state(engine.best, j),
                        "progress": {"epoch": trial.best_epoch},
                    },
                )
                checkpoint = str(path)
                test_acc = best_acc[j] if math.isfinite(best_loss[j]) else None
            results.append(
                trial_summary(
                    trial.history,
                    best=(trial.best_val_acc, trial.best_epoch),
                    test_acc=test_acc,
                    final_test_acc=final,
                    steps=self._steps_run(trial),
                    wall_s=self.progress.wall_s,
                    checkpoint=checkpoint,
                    diverged_at=trial.diverged_at,
                )
            )
        return results

    def _steps_run(self, trial: TrialProgress) -> int:
        return trial.diverged_at["step"] if trial.diverged_at else self.progress.step
