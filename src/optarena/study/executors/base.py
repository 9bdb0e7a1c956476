"""The executor interface: run claimed trials somewhere, stream their outcomes back.

A ``Job`` is one trial already claimed in the store by the study runner (``owner`` holds its
lease). Executors only decide *where* ``run_job`` runs (this process, worker processes, Ray
tasks, or one vectorized process); every trial is recorded by the lead's ``run_recorded``.
"""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optarena.train import TrialConfig

#: The state of an outcome whose trial could not write (full disk): the study stops.
HALTED = "halted"
#: ``on_event(trial_id, event, payload)``: the trainer's events, tagged with the trial.
TrialEventFn = Callable[[str, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Job:
    """One claimed trial and where to record it."""

    trial_id: str
    config: TrialConfig
    study: str
    role: str
    out: Path
    store_path: Path | str  # an SQLite file or a postgresql:// URL
    owner: str
    lease_s: float


@dataclass
class Outcome:
    """What became of one job: ``complete``, ``diverged`` or ``failed`` (``error`` holds why),
    or ``halted``: the machine's storage failed (full disk), the study must stop."""

    trial_id: str
    state: str
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class Executor(ABC):
    """Runs jobs and yields their outcomes as they finish (not necessarily in order).

    ``jobs`` is consumed lazily: an executor pulls the next job only when it can start it, so
    the runner claims a trial just before it runs.
    """

    name: str = "base"

    @abstractmethod
    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        """Run ``jobs``; yield one ``Outcome`` per job."""

    def close(self) -> None:  # noqa: B027  (optional hook; most executors hold nothing)
        """Release workers or cluster connections (idempotent)."""


def run_job(job: Job, on_event: TrialEventFn | None = None) -> Outcome:
    """Run one job with ``run_recorded`` (resuming from its checkpoint); never raises for a
    failing trial: ``run_recorded`` stored it as ``failed`` and the outcome says so."""
    from optarena.train.run import run_recorded

    def forward(event: str, payload: dict[str, Any]) -> None:
        if on_event is not None:
            on_event(job.trial_id, event, payload)

    try:
        result = run_recorded(
            job.config,
            out=job.out,
            store_path=job.store_path,
            study=job.study,
            role=job.role,
            on_event=forward,
            owner=job.owner,
            lease_s=job.lease_s,
        )
    except Exception as exc:
        return failed_outcome(job.trial_id, exc)
    return Outcome(job.trial_id, result.state, dict(result.summary))


def remove_half_writes(process: Any, jobs: Iterable[Job]) -> None:
    """Once ``process`` (a worker killed mid-trial) is gone: remove the temporaries it left in
    its jobs' trial folders (a checkpoint it was writing that no later write may replace)."""
    from optarena import atomic
    from optarena.train.run import trial_dir

    pid = process.pid
    if pid is None or process.is_alive():
        return
    for job in jobs:
        atomic.remove_temps_of(pid, trial_dir(job.out, job.trial_id))


def failed_outcome(trial_id: str, exc: BaseException) -> Outcome:
    """The outcome of a trial that raised ``exc``: ``halted`` (with the ``OSError`` described in
    ``summary``) for a storage failure, which stops the study (``optarena.diskfull``), else
    ``failed`` with the traceback."""
    from optarena import diskfull

    found = diskfull.storage_error(exc)
    if found is not None:
        return Outcome(trial_id, HALTED, diskfull.describe(found), str(found))
    return Outcome(trial_id, "failed", {}, traceback.format_exc())
