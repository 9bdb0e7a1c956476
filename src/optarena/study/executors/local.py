"""Run trials side by side in worker processes on this machine.

Workers come from ``concurrent.futures.ProcessPoolExecutor`` with the ``forkserver`` context
(``spawn`` where there is none): no forked copies of the parent's threads, locks or SQLite
connections, and the fork server imports torch once, so workers start fast; the default count
is ``os.cpu_count()``, and each trial runs with one intra-op thread (small models waste time in
threading; several trials use the cores better than one trial with many threads).

Who writes the store: each worker records its own trial through ``run_recorded`` with the
store's short ``BEGIN IMMEDIATE`` transactions on a WAL-mode file, while the parent is the only
*coordinator* (it claims trials, holds and renews their leases, and finishes trials whose worker
died). Metric rows thus never cross a process boundary, and SQLite serialises the few short
writes per epoch. Killing the parent with SIGKILL at any moment is safe: SQLite rolls back an
unfinished transaction; workers ask the kernel to kill them when the parent dies
(``PR_SET_PDEATHSIG`` on Linux, armed against the fork server, which exits when the parent
does); the
trials they held stay ``running`` until their lease expires or a rerun on the same host sees
the owner process is gone and adopts them; a resumed trial truncates metric rows past its last
checkpoint and continues from it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn, run_job

_QUEUE: Any = None
_STEP_EVERY_S = 0.25


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass
    try:
        os.kill(parent_pid, 0)
    except ProcessLookupError:  # the study runner died before prctl took effect
        os._exit(1)


def _init_worker(queue: Any, parent_pid: int) -> None:
    global _QUEUE
    _die_with_parent(parent_pid)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _QUEUE = queue


def _worker(job: Job) -> Outcome:
    last_step = [0.0]

    def send(trial_id: str, event: str, payload: dict[str, Any]) -> None:
        if _QUEUE is None:
            return
        if event == "step":
            now = time.monotonic()
            if now - last_step[0] < _STEP_EVERY_S:
                return
            last_step[0] = now
        _QUEUE.put((trial_id, event, payload))

    return run_job(job, send)


class LocalExecutor(Executor):
    """Up to ``workers`` trials at once in spawned processes; outcomes streamed as they end."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        if "forkserver" in multiprocessing.get_all_start_methods():
            self._ctx = multiprocessing.get_context("forkserver")
            self._ctx.set_forkserver_preload(["optarena.study.executors.local"])
        else:
            self._ctx = multiprocessing.get_context("spawn")
        self._queue: Any = None
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._queue is None:
            self._queue = self._ctx.Queue()
        return ProcessPoolExecutor(
            self.workers,
            mp_context=self._ctx,
            initializer=_init_worker,
            initargs=(self._queue, os.getpid()),
        )

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        self._pool = self._pool or self._new_pool()
        stop = threading.Event()
        drain = threading.Thread(target=self._drain, args=(on_event, stop), daemon=True)
        drain.start()
        pending = iter(jobs)
        running: dict[Future[Outcome], Job] = {}
        retried: set[str] = set()
        try:
            self._fill(running, pending)
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    job = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        if job.trial_id in retried:
                            yield Outcome(
                                job.trial_id, "failed", {}, "its worker process died twice"
                            )
                            continue
                        retried.add(job.trial_id)
                        self._pool.shutdown(wait=False, cancel_futures=True)
                        self._pool = self._new_pool()
                        running[self._pool.submit(_worker, job)] = job  # resumes from last.pt
                self._fill(running, pending)
        finally:
            stop.set()
            drain.join(timeout=2)

    def _fill(self, running: dict[Future[Outcome], Job], pending: Iterator[Job]) -> None:
        assert self._pool is not None
        while len(running) < self.workers:
            job = next(pending, None)
            if job is None:
                return
            running[self._pool.submit(_worker, job)] = job

    def _drain(self, on_event: TrialEventFn | None, stop: threading.Event) -> None:
        import queue as queue_lib

        while not stop.is_set():
            try:
                item = self._queue.get(timeout=0.1)
            except (queue_lib.Empty, OSError, EOFError):
                continue
            if on_event is not None:
                try:
                    on_event(*item)
                except Exception:  # progress display must never stop the study
                    pass

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
