"""Run trials side by side in worker processes on this machine (the default executor).

Workers come from the ``forkserver`` start method (``spawn`` where there is none): no forked
copies of the runner's threads, locks or SQLite connections. The fork server imports torch, the
trainer and the first task's data reader once, and decodes the study's first dataset, so each
worker starts in milliseconds and shares those pages (copy-on-write); workers live until the
executor closes and keep decoded datasets between trials (``worker.py``). There are
as many workers as usable cores by default; each trial runs with one intra-op thread while trials
outnumber workers, and the last trials of a study (fewer than the cores) share the idle cores.

Who writes the store: only this process (the study runner). Workers send their metric rows
over their pipe; the runner commits them (``synchronous=NORMAL`` in WAL mode: durable across
process crashes) and acknowledges, and only then does the worker save its resume point. The
trial's end is recorded by the runner from the returned outcome. Killing the runner at any
moment (SIGKILL, SIGTERM) therefore writes no further row, and its helpers die with it
(``lifeline.py``): the fork server by ``PR_SET_PDEATHSIG``, each worker by end of file on a
pipe only the runner holds. A rerun adopts the dead runner's leases and resumes each unfinished
trial from its last checkpoint, truncating rows past it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from optarena.study.executors import lifeline
from optarena.study.executors.base import (
    Executor,
    Job,
    Outcome,
    TrialEventFn,
    remove_half_writes,
)
from optarena.train.config import TrialConfig

_START_LOCK = threading.Lock()


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    alive_w: Connection  # the write end of the worker's lifeline; only this process holds it
    job: Job | None = None
    cpu_s: float = 0.0
    trials: int = field(default=0)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where known, e.g. under taskset)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


#: Modules the fork server imports before forking workers (worker.py imports torch, its
#: compiler front end and the trainer; the task's data reader comes with the warm-up).
PRELOAD = ["optarena.study.executors.lifeline", "optarena.study.executors.worker"]


def start_fork_server(config: TrialConfig) -> bool:
    """Start the preloading fork server, warmed with ``config``'s dataset, unless one runs
    already (or the platform has none); whether one runs now. It starts in the background:
    the caller goes on while the server imports torch and decodes the data."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    with _START_LOCK:
        server: Any = forkserver._forkserver
        if server._forkserver_pid is not None:
            return True
        multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
        env = {lifeline.RUNNER_PID_ENV: str(os.getpid())}
        try:
            env[lifeline.WARM_ENV] = json.dumps(config.to_dict())
        except (TypeError, ValueError):  # not JSON: each worker loads its data itself
            pass
        os.environ.update(env)
        try:
            server.ensure_running()
        finally:
            for key in env:
                os.environ.pop(key, None)
    return True


def prestart(spec: Any, executor: str, workers: int | None) -> None:
    """Start the fork server for ``spec`` now, when ``executor`` will use it on this machine,
    so that it imports torch and decodes the data while the runner validates the study (the
    executor starts it otherwise; this only saves time). ``auto`` trains in this process on
    one core, and on a GPU (taken to be there when ``/dev/nvidiactl`` is)."""
    if executor not in ("auto", "local"):
        return
    if executor == "auto" and (workers or usable_cores()) < 2:
        return
    device = str(getattr(spec, "device", None) or "auto")
    if device.startswith("cuda") or (device == "auto" and os.path.exists("/dev/nvidiactl")):
        return
    try:
        from optarena.study.expand import data_config

        config = data_config(spec)
    except Exception:  # the study's own checks report what is wrong with it
        return
    start_fork_server(config)


class LocalExecutor(Executor):
    """Up to ``workers`` trials at once in worker processes; outcomes streamed as they end."""

    name = "local"

    def __init__(self, workers: int | None = None, *, tail_threads: bool = True) -> None:
        self.cores = usable_cores()
        self.workers = max(1, workers or self.cores)
        self.tail_threads = tail_threads
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else None
        self._ctx = multiprocessing.get_context(method or "spawn")
        self._pool: list[_Worker] = []
        self._stores: dict[Path, Any] = {}
        self._more = False  # whether the current run may still pull jobs
        #: CPU seconds of workers that ended (running ones report theirs after each trial).
        self.worker_cpu_s = 0.0

    # --- workers ----------------------------------------------------------------------------

    @property
    def context(self) -> Any:
        """The multiprocessing context workers start from (the fork server's where there is
        one); ``auto`` starts its group processes from it too."""
        return self._ctx

    def start_fork_server(self, job: Job) -> None:
        """Start the preloading fork server for ``job``'s study, unless it runs already."""
        if self._ctx.get_start_method() == "forkserver":
            start_fork_server(job.config)

    def _spawn(self, job: Job) -> _Worker:
        from optarena.study.executors import worker

        self.start_fork_server(job)
        conn, child_conn = self._ctx.Pipe(duplex=True)
        alive_r, alive_w = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=worker.main, args=(child_conn, alive_r), name="optarena-worker", daemon=True
        )
        process.start()
        child_conn.close()
        alive_r.close()
        w = _Worker(process, conn, alive_w)
        self._pool.append(w)
        return w

    def _give(self, w: _Worker, job: Job) -> None:
        w.job = job
        w.trials += 1
        from optarena import tasks

        w.conn.send((job, self._threads_for(), tasks.shipment(job.config.task)))

    def _threads_for(self) -> int:
        """Intra-op threads for a running trial: 1, or a share of the idle cores in the tail."""
        busy = sum(w.job is not None for w in self._pool)
        if not self.tail_threads or not busy or busy >= self.cores or self._more:
            return 1
        return max(1, self.cores // busy)

    def _retire(self, w: _Worker) -> None:
        self._pool.remove(w)
        for conn in (w.conn, w.alive_w):
            conn.close()
        w.process.join(timeout=5)

    # --- the loop ---------------------------------------------------------------------------

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        pending = iter(jobs)
        self._more = True
        retried: set[str] = set()

        def next_job() -> Job | None:
            job = next(pending, None) if self._more else None
            self._more = job is not None
            return job

        for w in list(self._pool):  # idle workers from an earlier call take jobs first
            if (job := next_job()) is None:
                break
            self._give(w, job)
        while self._more and len(self._pool) < self.workers:
            if (job := next_job()) is None:
                break
            self._give(self._spawn(job), job)
        while any(w.job is not None for w in self._pool):
            busy = [w for w in self._pool if w.job is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for w in busy:
                if w.conn not in ready and w.process.sentinel not in ready:
                    continue
                outcome = self._serve(w, on_event)
                if outcome is None:
                    continue
                if outcome.error == "worker died":
                    outcome = self._restart(w, retried)
                    if outcome is None:
                        continue
                elif (job := next_job()) is not None:  # hand out work before reporting
                    self._give(w, job)
                yield outcome

    def _serve(self, w: _Worker, on_event: TrialEventFn | None) -> Outcome | None:
        """Handle the messages ``w`` sent; an outcome when its trial ended (or it died)."""
        assert w.job is not None
        try:
            while w.conn.poll():
                message = w.conn.recv()
                kind = message[0]
                if kind == "done":
                    _, outcome, w.cpu_s = message
                    w.job = None
                    return outcome
                if kind == "event":
                    _emit(on_event, *message[1:])
                else:
                    error, full = self._write(w.job, message)
                    w.conn.send(("ack", error, self._threads_for(), full))
        except (EOFError, OSError):
            pass
        if w.process.is_alive():
            return None
        return Outcome(w.job.trial_id, "failed", {}, "worker died")

    def _write(self, job: Job, message: tuple) -> tuple[str | None, dict[str, Any] | None]:
        """Store a worker's rows: (None, None), or the error and, for a storage failure (full
        disk), its description."""
        from optarena import diskfull
        from optarena.store import open_store

        kind, trial_id, value = message
        try:
            store = self._stores.get(job.store_path)
            if store is None:
                store = self._stores[job.store_path] = open_store(
                    job.store_path, synchronous="NORMAL"
                )
            if kind == "rows":
                store.log_metrics(trial_id, value)
            else:
                store.truncate_metrics(trial_id, value)
        except Exception as exc:  # the worker fails the trial with this message
            full = diskfull.storage_error(exc)
            message = f"could not store the rows of trial {trial_id}: {exc}"
            return message, None if full is None else diskfull.describe(full)
        return None, None

    def _restart(self, w: _Worker, retried: set[str]) -> Outcome | None:
        """A worker died mid-trial: run its trial once more in a new worker (it resumes from
        ``last.pt``); a second death fails the trial."""
        job = w.job
        assert job is not None
        self._retire(w)
        if job.trial_id in retried:
            return Outcome(job.trial_id, "failed", {}, "its worker process died twice")
        retried.add(job.trial_id)
        self._give(self._spawn(job), job)
        return None

    def close(self) -> None:
        for w in list(self._pool):
            job = w.job
            try:
                if job is None:
                    w.conn.send(None)
                else:
                    w.process.kill()  # interrupted mid-trial: a rerun resumes it
            except OSError:
                pass
            self.worker_cpu_s += w.cpu_s
            self._retire(w)
            if job is not None:
                remove_half_writes(w.process, [job])
        for store in self._stores.values():
            store.close()
        self._stores.clear()


def _emit(on_event: TrialEventFn | None, trial_id: str, event: str, payload: Any) -> None:
    if on_event is None:
        return
    try:
        on_event(trial_id, event, payload)
    except Exception:  # the progress display must never stop the study
        pass
