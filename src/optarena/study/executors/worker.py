"""The worker process of the ``local`` executor: it lives for the whole study and runs trials.

Each worker keeps what is expensive to rebuild between trials: the imports (torch, torch's
compiler front end that every optimizer touches, the task's data reader — preloaded once in the
fork server), and the decoded dataset with its normalisation statistics
(:mod:`optarena.train.datacache`). It never writes the store: metric rows go to the study
runner over the worker's pipe, and the worker saves its resume point (``last.pt``) only after
the runner acknowledged that the epoch's rows are committed, so a checkpoint is never ahead of
the store and no row can be written once the runner is gone.

Messages (worker -> runner): ``("rows", trial_id, rows)`` and ``("truncate", trial_id,
after_epoch)`` (each answered by ``("ack", error_or_None, threads, full)``, ``full``
describing a storage failure, ``optarena.diskfull``), ``("event", trial_id, event, payload)``
and ``("done", outcome, cpu_seconds)``. Runner -> worker: ``(job, threads, shipped)``
(``shipped``: a pickled session task, :func:`optarena.tasks.shipment`, or None) to run a job
with that many intra-op threads, ``None`` to exit.
"""

from __future__ import annotations

import json
import os
import resource
import time
from typing import Any

import torch
import torch._dynamo  # noqa: F401  (every optimizer imports it; import it once in the fork server)

from optarena.diskfull import rebuild
from optarena.study.executors.base import Job, Outcome, failed_outcome
from optarena.study.executors.lifeline import WARM_ENV, die_with
from optarena.train import TrialConfig, datacache
from optarena.train.device import set_threads
from optarena.train.materials import load_dataset, resolve_task
from optarena.train.run import trial_dir
from optarena.train.trainer import Row, run_trial

#: Seconds between two progress events of one trial's steps.
STEP_EVERY_S = 0.25


class RowsRejectedError(RuntimeError):
    """The study runner could not store a trial's rows."""


class PipeRecorder:
    """Sends metric rows to the study runner and waits until they are committed."""

    def __init__(self, conn: Any, trial_id: str) -> None:
        self.conn, self.trial_id = conn, trial_id
        #: whether more intra-op threads pay: only convolutions are big enough here; small
        #: matrix products gain nothing from a second thread, whose spinning only burns CPU
        self.wide = False

    def _ask(self, message: tuple) -> None:
        self.conn.send(message)
        _, error, threads, full = self.conn.recv()
        if full is not None:  # the store's disk is full: the study stops (optarena.diskfull)
            raise rebuild(full)
        if error is not None:
            raise RowsRejectedError(error)
        if threads and self.wide and threads != torch.get_num_threads():
            torch.set_num_threads(threads)

    def log(self, rows: list[Row]) -> None:
        self._ask(("rows", self.trial_id, rows))

    def truncate(self, after_epoch: int) -> None:
        self._ask(("truncate", self.trial_id, after_epoch))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(conn: Any, job: Job, threads: int) -> Outcome:
    """Run ``job`` (resuming from its checkpoint); a trial that raises is a ``failed`` outcome.
    ``threads`` > 1 (the tail of a study) applies to trials of convolutional models that run
    with the default single thread."""
    last_step = [0.0]
    recorder = PipeRecorder(conn, job.trial_id)

    def send(event: str, payload: dict[str, Any]) -> None:
        if event == "start":
            recorder.wide = bool(payload.get("convolutions")) and job.config.threads == 1
            if recorder.wide and threads > 1:
                torch.set_num_threads(threads)
        elif event == "step":
            now = time.monotonic()
            if now - last_step[0] < STEP_EVERY_S:
                return
            last_step[0] = now
        conn.send(("event", job.trial_id, event, payload))

    try:
        result = run_trial(
            job.config,
            out_dir=trial_dir(job.out, job.trial_id),
            recorder=recorder,
            on_event=send,
        )
    except (EOFError, BrokenPipeError, ConnectionResetError):
        os._exit(1)  # the study runner is gone
    except Exception as exc:
        return failed_outcome(job.trial_id, exc)
    return Outcome(job.trial_id, result.state, dict(result.summary))


def _received(job: Job, shipped: bytes | None) -> Outcome | None:
    """Register a task defined in the runner (a notebook cell); a failed outcome if it cannot
    be unpickled here."""
    if shipped is None:
        return None
    try:
        from optarena import tasks

        tasks.receive(shipped)
    except Exception as exc:
        return failed_outcome(job.trial_id, exc)
    return None


def main(conn: Any, lifeline: Any) -> None:
    """A worker's life: take jobs from ``conn`` until told to stop or the runner is gone."""
    die_with(lifeline)
    datacache.enable()
    set_threads(1)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, threads, shipped = message
        outcome = _received(job, shipped) or run_one(conn, job, threads)
        try:
            conn.send(("done", outcome, cpu_seconds()))
        except OSError:
            return


def warm(text: str) -> None:
    """In the fork server: decode the study's first dataset once, before any worker is forked;
    every worker then shares its pages (copy-on-write; the trainer only reads them)."""
    try:
        config = TrialConfig.from_dict(json.loads(text))
        set_threads(1)  # a process that forks must not start an OpenMP thread pool
        datacache.enable()
        load_dataset(config, resolve_task(config))
    except Exception:  # the trial itself reports what is wrong with its data
        pass


_WARM = os.environ.pop(WARM_ENV, "")
if _WARM:
    warm(_WARM)
