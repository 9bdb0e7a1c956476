"""Many trials of one architecture in one process, sharing every forward and backward pass.

Trials with the same task, data, model, batch size, epochs and subset form a group whatever
their optimizers, learning rates, schedules and seeds. The group keeps its parameters, buffers
(batch-norm statistics included) and optimizer state stacked ``[K, ...]`` for the whole run
(:mod:`~optarena.study.executors.vec_engine`), updates all trials with batched optimizers
(:mod:`optarena.study.batched`), reads the device once per epoch and checkpoints per epoch
(:mod:`~optarena.study.executors.vec_run`). Its numbers equal the serial trainer's to float
tolerance (``tests/study/test_vectorized*.py``). A CPU group whose trials ask for the default one
thread uses every core where a one-time probe finds that faster
(:mod:`~optarena.study.executors.vec_threads`; on a busy machine one thread wins). A trial that
cannot group (see :mod:`~optarena.study.executors.vec_setup`) runs on the serial path. A group
holds at most :data:`MAX_GROUP` trials and at most what a memory estimate allows
(:mod:`~optarena.study.executors.vec_memory`); one that still runs out of GPU memory is split in
halves and retried.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import torch

from optarena.study.executors.base import (
    HALTED,
    Executor,
    Job,
    Outcome,
    TrialEventFn,
    failed_outcome,
    run_job,
)
from optarena.study.executors.local import usable_cores
from optarena.study.executors.vec_memory import group_limit, trial_bytes
from optarena.study.executors.vec_setup import GroupSetup, build_group, example_inputs, group_key
from optarena.train.device import resolve_device, set_threads

#: the largest group trained at once (more trials of one key form several groups)
MAX_GROUP = 64


class VectorizedExecutor(Executor):
    """Groups compatible trials and trains each group on stacked state; the rest run serially."""

    name = "vectorized"

    def __init__(self, max_group: int = MAX_GROUP) -> None:
        if max_group < 1:
            raise ValueError(f"max_group must be at least 1, got {max_group}")
        self.max_group = max_group

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        groups: dict[tuple[Any, ...], list[Job]] = {}
        for job in jobs:
            groups.setdefault(group_key(job), []).append(job)
        for group in groups.values():
            for start in range(0, len(group), self.max_group):
                yield from run_group(group[start : start + self.max_group], on_event)


def run_group(
    jobs: list[Job], on_event: TrialEventFn | None = None, threads: int | None = None
) -> Iterator[Outcome]:
    """Train ``jobs`` (one group key) together, in as many groups as memory asks
    (:mod:`~optarena.study.executors.vec_memory`); yields one outcome per job. ``threads``
    fixes the intra-op threads (``auto``'s one group per core), else they are probed."""
    device = resolve_device(jobs[0].config.device)
    setup, serial = build_group(jobs, device)
    for job in serial:
        yield run_job(job, on_event)
    if setup is None:
        return
    choices = (threads,) if threads else thread_choices(jobs[0].config.threads, device)
    if len(choices) == 1:
        set_threads(choices[0])
        choices = ()
    size = group_limit(setup_bytes(setup), device, len(setup.members))
    for start in range(0, len(setup.members), size):
        part = replace(setup, members=setup.members[start : start + size])
        yield from _run_setup(part, on_event, choices)


def thread_choices(threads: int, device: torch.device) -> tuple[int, ...]:
    """Intra-op thread counts a group may use: one or every usable core on a CPU when the trials
    ask for the default one thread (a group takes the place of ``local``'s one process per
    core; :mod:`~optarena.study.executors.vec_threads` probes which pays), else theirs."""
    cores = usable_cores()
    if device.type == "cpu" and threads == 1 and cores > 1:
        return (1, cores)
    return (threads,)


def setup_bytes(setup: GroupSetup) -> int:
    """:func:`vec_memory.trial_bytes` of one trial of ``setup``."""
    assert setup.base is not None
    example = example_inputs(setup.dataset, setup.transform)
    batch = torch.empty((setup.batch_size, *example.shape[1:]), dtype=example.dtype, device="meta")
    dtype = next(setup.base.parameters()).dtype if list(setup.base.parameters()) else example.dtype
    return trial_bytes(setup.base, batch, torch.empty((), dtype=dtype).element_size())


def _run_setup(
    setup: GroupSetup, on_event: TrialEventFn | None, threads: tuple[int, ...] = ()
) -> Iterator[Outcome]:
    from optarena.store import open_store

    members = [m.job for m in setup.members]
    emit = on_event or (lambda trial_id, event, payload: None)
    with open_store(members[0].store_path) as store:
        try:
            from optarena.study.executors.vec_run import GroupRun

            results = GroupRun(setup, store, emit, threads).run()
        except torch.cuda.OutOfMemoryError:
            if len(members) == 1:
                raise
            del setup
            torch.cuda.empty_cache()
            half = len(members) // 2
            outcomes = []
            for part in (members[:half], members[half:]):
                outcomes += list(run_group(part, on_event))
            yield from outcomes
            return
        except Exception as exc:
            halted = failed_outcome(members[0].trial_id, exc)
            if halted.state == HALTED:  # a full disk: the runner releases them and stops
                for job in members:
                    yield Outcome(job.trial_id, HALTED, halted.summary, halted.error)
                return
            error = traceback.format_exc()
            for job in members:
                store.finish(job.trial_id, "failed", {}, error=error, owner=job.owner)
                yield Outcome(job.trial_id, "failed", {}, error)
            return
        for job, (state, summary) in zip(members, results, strict=True):
            store.finish(job.trial_id, state, summary, owner=job.owner)
            emit(job.trial_id, "end", {"state": state, **summary})
            yield Outcome(job.trial_id, state, summary)
