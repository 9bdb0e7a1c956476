"""Run trials one after another in this process (the reference executor)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn, run_job


class SerialExecutor(Executor):
    """One trial at a time, in-process (simplest; what ``vectorized`` falls back to). Decoded
    datasets are kept between the trials of one ``run`` (``optarena.train.datacache``)."""

    name = "serial"

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        from optarena.train.datacache import keep_datasets

        with keep_datasets():
            for job in jobs:
                yield run_job(job, on_event)
