"""Intra-op threads of a CPU group: every core where that measurably pays, else one.

A group replaces ``local``'s one process per core, so on a quiet machine its batched matrix
products should use every core. On a machine whose cores are busy with other work, OpenMP's
barriers make each parallel region wait for a time slice: measured on the shared 2-core
machine, a K = 32 ``digits-mlp`` step took 10x longer with two threads than with one. So, as
``optarena.train.layout`` does for ``channels_last``, a one-time probe per (model structure,
K, batch size, choices) in a process times a few forward/backward passes of the group (no
update, no dropout draw: the trials' numbers do not change) with each thread count and keeps
the fastest. Thread counts change results only within float rounding (another split of a
reduction).
"""

from __future__ import annotations

import time

import torch

from optarena.study.executors.vec_engine import GroupEngine

_DECISIONS: dict[tuple, int] = {}


def _pass_seconds(engine: GroupEngine, threads: int, reps: int = 3) -> float:
    torch.set_num_threads(threads)
    times = []
    for _ in range(reps + 1):
        started = time.perf_counter()
        engine.probe_pass()
        times.append(time.perf_counter() - started)
    return min(times[1:])


def choose_threads(engine: GroupEngine, choices: tuple[int, ...]) -> int:
    """Set and return the fastest of ``choices`` for ``engine`` (probed once per process)."""
    if len(set(choices)) == 1:
        torch.set_num_threads(choices[0])
        return choices[0]
    structure = tuple((name, tuple(v.shape)) for name, v in engine.params.items())
    key = (structure, engine.k, engine.setup.batch_size, choices)
    if key not in _DECISIONS:
        timed = {n: _pass_seconds(engine, n) for n in choices}
        _DECISIONS[key] = min(timed, key=lambda n: (timed[n], n))
    torch.set_num_threads(_DECISIONS[key])
    return _DECISIONS[key]
