"""Run trials as Ray tasks, on an existing cluster (``--address``) or a local Ray instance.

``import ray`` happens only here. Each trial is one task asking for ``num_cpus=1`` (and
``num_gpus`` when given); ``max_retries`` makes Ray rerun the trial of a worker that died, and
the rerun resumes from the trial's ``last.pt``. On a real cluster, ``--out`` and ``--store``
must be on a file system every node sees (NFS or similar, with working POSIX locks for SQLite),
because workers write checkpoints and record their trial in the store themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn, run_job

MAX_RETRIES = 2


def _remote_run(job: Job) -> Outcome:
    import torch

    torch.set_num_threads(1)
    return run_job(job)


class RayExecutor(Executor):
    """One Ray task per trial; at most ``in_flight`` submitted at once, results streamed."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        num_cpus: int | None = None,
        num_gpus: float = 0.0,
        in_flight: int | None = None,
    ) -> None:
        try:
            import ray
        except ImportError:
            raise ValueError("--executor ray needs ray: pip install 'optarena[ray]'") from None
        self.ray = ray
        self._started = False
        if not ray.is_initialized():
            if address:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)
            self._started = True
        self.in_flight = in_flight or max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._task = ray.remote(num_cpus=1, num_gpus=num_gpus, max_retries=MAX_RETRIES)(_remote_run)

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        ray = self.ray
        pending = iter(jobs)
        refs: dict[Any, Job] = {}
        while True:
            while len(refs) < self.in_flight:
                job = next(pending, None)
                if job is None:
                    break
                refs[self._task.remote(job)] = job
            if not refs:
                return
            done, _ = ray.wait(list(refs), num_returns=1)
            job = refs.pop(done[0])
            try:
                yield ray.get(done[0])
            except Exception as exc:  # retries exhausted
                yield Outcome(job.trial_id, "failed", {}, f"ray task failed: {exc}")

    def close(self) -> None:
        if self._started and self.ray.is_initialized():
            self.ray.shutdown()
            self._started = False
