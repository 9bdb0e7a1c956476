"""Executors: where a study's trials run (``auto``, ``serial``, ``local``, ``ray``,
``vectorized``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn, run_job

EXECUTORS = ("auto", "serial", "local", "ray", "vectorized")


def make_executor(
    name: str,
    *,
    workers: int | None = None,
    address: str | None = None,
    storage: str | None = None,
) -> Executor:
    """The executor called ``name`` (``ray`` is imported only when asked for; ``storage`` is
    where Ray trials keep checkpoints)."""
    if name == "auto":
        from optarena.study.executors.auto import AutoExecutor

        return AutoExecutor(workers)
    if name == "serial":
        from optarena.study.executors.serial import SerialExecutor

        return SerialExecutor()
    if name == "local":
        from optarena.study.executors.local import LocalExecutor

        return LocalExecutor(workers)
    if name == "ray":
        from optarena.study.executors.ray_executor import RayExecutor

        return RayExecutor(address=address, num_cpus=workers, storage=storage)
    if name == "vectorized":
        from optarena.study.executors.vectorized import VectorizedExecutor

        return VectorizedExecutor()
    from optarena.errors import unknown_name

    raise unknown_name("executor", name, list(EXECUTORS))


def __getattr__(name: str) -> Any:
    """``Executor``, ``Job``, ``Outcome``, ``TrialEventFn`` and ``run_job`` load ``base`` (and
    torch) on first use, so checking an executor name stays light."""
    if name in ("Executor", "Job", "Outcome", "TrialEventFn", "run_job"):
        from optarena.study.executors import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EXECUTORS", "Executor", "Job", "Outcome", "TrialEventFn", "make_executor", "run_job"]
