"""Run trials as Ray tasks on a cluster whose nodes share no disk (``--executor ray``).

``import ray`` happens only here. The driver (the ``compare`` process) is the only writer of the
results store: each trial is one streaming Ray task (``ray_remote.trial_stream``) asking for a
CPU per trainer thread and a GPU when its device is ``cuda``; the task trains in a scratch
folder of its node and streams its events, metric rows, checkpoints and outcome back, and the
driver records them as they come. Checkpoints live in ``--storage`` or, without it, with the
driver (``ray_checkpoints``). A task lost with its node or worker is resubmitted, up to
``MAX_ATTEMPTS`` times in all, and resumes on another node from its last checkpoint; a driver
killed and rerun resumes its trials the same way. Without ``--address`` a local Ray instance is
started for the run (``--workers`` CPUs) and stopped at its end.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn
from optarena.study.executors.ray_checkpoints import DriverCheckpoints, StorageCheckpoints
from optarena.train.checkpoint import BEST, LAST

MAX_ATTEMPTS = 3
STEP_EVERY_S = 0.25
CONNECT_TIMEOUT_S = 5.0


def check_address(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast (``ValueError``) when ``HOST:PORT`` / ``ray://HOST:PORT`` cannot be reached.

    ``ray.init`` would retry an unreachable address for minutes without a word. ``auto`` (find
    the cluster this node belongs to) is left to Ray.
    """
    if address in ("auto", "local"):
        return
    hostport = address.split("://", 1)[1] if "://" in address else address
    host, sep, port = hostport.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"--address must be auto, HOST:PORT or ray://HOST:PORT, not {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot reach the Ray cluster at {address}: {exc}") from None


def check_ray_options(address: str | None, storage: str | None) -> None:
    """``--address`` and ``--storage`` checked before a study starts (``ValueError``)."""
    if address:
        check_address(address)
    if storage:
        StorageCheckpoints(storage).check()


@dataclass
class _Running:
    job: Job
    attempt: int = 1


class RayExecutor(Executor):
    """One streaming Ray task per trial; at most ``in_flight`` at once; the driver records."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        num_cpus: int | None = None,
        in_flight: int | None = None,
        storage: str | None = None,
    ) -> None:
        try:
            import ray
        except ImportError:
            raise ValueError("--executor ray needs ray: pip install 'optarena[ray]'") from None
        self.ray = ray
        self.storage = StorageCheckpoints(storage) if storage else None
        if self.storage is not None:
            self.storage.check()
        self._started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address:
                check_address(address)
                kwargs["address"] = address
            else:
                kwargs["num_cpus"] = num_cpus
            try:
                ray.init(**kwargs)
            except Exception as exc:  # ConnectionError, RuntimeError, ...
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                where = address or "a local instance"
                raise ValueError(f"cannot start or join Ray at {where}: {first}") from None
            self._started = True
        self.in_flight = in_flight or max(1, int(ray.cluster_resources().get("CPU", 1)))
        from optarena.study.executors.ray_remote import trial_stream

        self._task = ray.remote(num_cpus=1, max_retries=0)(trial_stream)

    def _submit(self, job: Job) -> Any:
        files = None if self.storage else DriverCheckpoints(job.out).resume_files(job.trial_id)
        options: dict[str, Any] = {"num_cpus": max(1, job.config.threads)}
        if str(job.config.device).startswith("cuda"):
            options["num_gpus"] = 1
        return self._task.options(**options).remote(
            job.config, job.trial_id, files, self.storage, STEP_EVERY_S
        )

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        from optarena.store import open_store

        ray = self.ray
        pending = iter(jobs)
        running: dict[Any, _Running] = {}
        stores: dict[str, Any] = {}
        try:
            while True:
                while len(running) < self.in_flight:
                    job = next(pending, None)
                    if job is None:
                        break
                    running[self._submit(job)] = _Running(job)
                if not running:
                    return
                ready, _ = ray.wait(list(running), num_returns=1)
                stream = ready[0]
                trial = running[stream]
                key = str(trial.job.store_path)
                if key not in stores:
                    stores[key] = open_store(trial.job.store_path)
                try:
                    item = ray.get(next(stream))
                except StopIteration:  # ended without an outcome (should not happen)
                    item = ("error", "the trial's Ray task ended without an outcome")
                except Exception as exc:  # its node or worker died: resume elsewhere
                    del running[stream]
                    if trial.attempt < MAX_ATTEMPTS:
                        trial.attempt += 1
                        running[self._submit(trial.job)] = trial
                        continue
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                    yield Outcome(trial.job.trial_id, "failed", {}, f"ray task lost: {first}")
                    continue
                outcome = self._record(stores[key], trial.job, item, on_event)
                if outcome is not None:
                    del running[stream]
                    yield outcome
        finally:
            for stream in running:  # e.g. Ctrl-C: stop the trials still in flight
                try:
                    self.ray.cancel(stream, force=True)
                except Exception:  # already finished or its node is gone
                    pass
            for store in stores.values():
                store.close()

    def _record(
        self, store: Any, job: Job, item: tuple[Any, ...], on_event: TrialEventFn | None
    ) -> Outcome | None:
        """Record one streamed item in the store / checkpoints; the trial's outcome at its end."""
        kind, tid = item[0], job.trial_id
        if kind == "rows":
            store.log_metrics(tid, item[1])
        elif kind == "truncate":
            store.truncate_metrics(tid, item[1])
        elif kind == "file":
            DriverCheckpoints(job.out).save(tid, item[1], item[2])
        elif kind == "staged":
            assert self.storage is not None
            self.storage.commit(tid, item[1], LAST)
        elif kind == "event" and on_event is not None:
            try:
                on_event(tid, item[1], item[2])
            except Exception:  # progress display must never stop the study
                pass
        elif kind == "done":
            if self.storage is not None:  # what a killed earlier attempt left half uploaded
                self.storage.sweep(tid)
            summary = dict(item[2])
            if summary.get("checkpoint"):
                summary["checkpoint"] = (
                    self.storage.uri_of(tid, BEST)
                    if self.storage is not None
                    else str(DriverCheckpoints(job.out).path(tid, BEST))
                )
            return Outcome(tid, item[1], summary)
        elif kind == "error":
            return Outcome(tid, "failed", {}, item[1])
        return None

    def close(self) -> None:
        if self._started and self.ray.is_initialized():
            self.ray.shutdown()
            self._started = False
