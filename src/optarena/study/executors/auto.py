"""``auto``: the executor that suits the hardware (the default).

On a GPU, vectorized groups (many trials share each forward/backward pass; the step of a small
model costs microseconds there, so per-trial work is what matters). On CPUs, trials of the
models that :data:`CPU_VECTORIZED_MODELS` lists (no convolution, no dropout) train as vectorized
groups, one part per core (:mod:`~optarena.study.executors.auto_groups`); the rest run on
``local`` workers. Measured with ``benchmarks/bench_vectorized.py`` (README, Performance): a
group of MLPs trains the built-in default study about twice as fast as one trial after another
even on one core, while vmapped convolutions train slower than plain ones on a CPU. Either
way a trial's numbers are the serial trainer's to float tolerance
(``tests/study/test_vectorized*.py``). The study's device decides (all of a study's trials
share one device setting).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn

#: what ``auto`` runs on CPUs for the other trials, as measured by benchmarks/bench_vectorized.py
CPU_CHOICE = "local"
#: models that vectorized groups train faster than ``local`` on a CPU (bench_vectorized.py)
CPU_VECTORIZED_MODELS = frozenset({"mlp", "logreg"})


def _on_gpu(job: Job) -> bool:
    from optarena.train.device import resolve_device

    try:
        return resolve_device(job.config.device).type == "cuda"
    except ValueError:
        return False  # a bad device fails in the trial itself, with its message


def groups_on_cpu(job: Job) -> bool:
    """Whether ``auto`` trains ``job`` in a vectorized group on a CPU: its model is one of
    :data:`CPU_VECTORIZED_MODELS` without dropout (known from its task, before building it)."""
    from optarena.train.materials import resolve_task

    try:
        task = resolve_task(job.config)
    except Exception:  # a bad task fails in the trial itself, with its message
        return False
    dropout = task.model_kwargs.get("dropout", 0.0)
    return task.model in CPU_VECTORIZED_MODELS and not dropout and not task.uses_backbone


def choice_for(job: Job) -> str:
    """The executor ``auto`` runs a study of ``job``'s device with (for ``job`` itself)."""
    if _on_gpu(job):
        return "vectorized"
    return "vectorized" if groups_on_cpu(job) else CPU_CHOICE


class AutoExecutor(Executor):
    """Vectorized groups on a GPU; on CPUs vectorized groups on every core for small models,
    :data:`CPU_CHOICE` for the rest."""

    name = "auto"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers
        self._inner: list[Executor] = []

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        from optarena.study.executors import make_executor

        jobs = iter(jobs)
        first = next(jobs, None)
        if first is None:
            return
        if _on_gpu(first):
            inner = make_executor("vectorized")
            self._inner.append(inner)
            yield from inner.run(chain([first], jobs), on_event)
            return
        everything = [first, *jobs]
        grouped = [job for job in everything if groups_on_cpu(job)]
        rest = [job for job in everything if not groups_on_cpu(job)]
        local = make_executor(CPU_CHOICE, workers=self.workers)
        self._inner.append(local)
        if grouped:
            yield from self._groups(local, grouped, on_event)
        if rest:
            yield from local.run(rest, on_event)

    def _groups(
        self, local: Executor, jobs: list[Job], on_event: TrialEventFn | None
    ) -> Iterator[Outcome]:
        """``jobs`` as vectorized groups, one part per worker (in this process for one)."""
        from optarena.study.executors.auto_groups import run_parts, split
        from optarena.study.executors.local import LocalExecutor
        from optarena.study.executors.vectorized import run_group

        assert isinstance(local, LocalExecutor)
        parts = split(jobs, local.workers)
        if local.workers == 1 or len(parts) == 1:
            for part in parts:
                yield from run_group(part, on_event)
            return
        local.start_fork_server(jobs[0])
        yield from run_parts(local.context, parts, on_event, local.workers)

    def close(self) -> None:
        for inner in self._inner:
            inner.close()
