"""``auto``: the executor that suits the hardware (the default).

On a GPU, vectorized groups (many trials share each forward/backward pass; the step of a small
model costs microseconds there, so per-trial work is what matters). On CPUs, ``local``: measured
with ``benchmarks/bench_vectorized.py`` (README, Performance), groups of MLPs win on a CPU too
but vmapped convolutions train slower than plain ones, and the executor cannot tell the two
apart before building the models.
The study's device decides (all of a study's trials share one device setting).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn

#: what ``auto`` runs on CPUs, as measured by benchmarks/bench_vectorized.py
CPU_CHOICE = "local"


def _on_gpu(job: Job) -> bool:
    from optarena.train.device import resolve_device

    try:
        return resolve_device(job.config.device).type == "cuda"
    except ValueError:
        return False  # a bad device fails in the trial itself, with its message


def choice_for(job: Job) -> str:
    """The executor ``auto`` runs a study of ``job``'s device with."""
    return "vectorized" if _on_gpu(job) else CPU_CHOICE


class AutoExecutor(Executor):
    """Vectorized groups on a GPU; :data:`CPU_CHOICE` on CPUs."""

    name = "auto"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers
        self._inner: Executor | None = None

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        from optarena.study.executors import make_executor

        jobs = iter(jobs)
        first = next(jobs, None)
        if first is None:
            return
        self._inner = make_executor(choice_for(first), workers=self.workers)
        yield from self._inner.run(chain([first], jobs), on_event)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
