"""``optarena.compare(...)``: the CLI's ``compare`` as one Python call (DESIGN wave 2: "the
Python front door; the CLI is a thin layer over the same calls").

The task may be a registered name, a ``module:callable`` path, a data path, a :class:`Task`
object (a :class:`~optarena.tasks.UserTask` made in a notebook included) or ``(model, data)``.
Results go to the store (``OUT/optarena.db`` by default), so calling it again with the same
arguments reuses every finished trial. A task made in this process is shipped to ``local``
workers (cloudpickle carries code from ``__main__``); where it cannot be, the study runs
serially and says so in one line.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from optarena.front.study import Study

DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam")


def _names(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)


def _resolve_task(
    task: Any, model: Any, data: Any, loss: Any, metric: Any, name: str | None
) -> tuple[dict[str, Any], Any]:
    """The spec's ``task``/``data`` entry and the live task object made here (or None)."""
    from optarena import tasks

    if task is None and model is None and data is None:
        raise ValueError("compare() needs a task, or model= and data=")
    if isinstance(task, tuple) and len(task) == 2:
        model, data, task = task[0], task[1], None
    if task is None:
        if model is None or data is None:
            if isinstance(data, (str, Path)) and model is None:
                return {"data": str(data)}, None
            raise ValueError("compare() needs both model= and data= (or a task)")
        if isinstance(model, str) and isinstance(data, (str, Path)):
            return {"data": str(data), "model": model}, None
        made = tasks.task(name or "user-task", model, data, loss=loss, metric=metric)
        return {"task": made.name}, made
    if isinstance(task, (str, Path)):
        text = str(task)
        if Path(text).expanduser().exists() and text not in tasks.names():
            return {"data": text, **({"model": model} if model else {})}, None
        return {"task": text, **({"model": model} if model else {})}, None
    if isinstance(task, tasks.Task):
        if task.name in tasks.names() and task.name not in tasks.session_names():
            if tasks.get(task.name) != task:
                raise ValueError(f"task {task.name!r} differs from the registered task of that "
                                 "name: give it a name of its own")  # fmt: skip
            return {"task": task.name}, None
        return {"task": task.name}, task
    if callable(task):  # a function that returns a task
        return {"task": tasks.as_task(task).name}, tasks.as_task(task)
    raise ValueError(f"compare() cannot make a task of {type(task).__name__}")


def _from_main(task: Any) -> bool:
    """Whether the task (or code it holds) was defined in ``__main__`` (a notebook, a script)."""
    parts = [task, getattr(task, "factory", None), getattr(task, "data", None),
             getattr(task, "loss", None)]  # fmt: skip
    return any(getattr(type(p), "__module__", "") == "__main__" or
               getattr(p, "__module__", "") == "__main__" for p in parts)  # fmt: skip


def _executor_for(executor: str, live: Any, note: Any) -> str:
    """``executor``, or ``serial`` (with a one-line note) when workers could not rebuild a
    task made in this process."""
    if live is None or executor in ("serial", "vectorized"):
        return executor
    if executor == "ray":
        note(f"note: task {live.name!r} lives in this process; running it serially "
             "(Ray workers cannot receive it: give a module:callable)")  # fmt: skip
        return "serial"
    try:
        import cloudpickle  # noqa: F401

        return executor
    except ImportError:
        pass
    import pickle

    try:
        pickle.dumps(live)
        bad = _from_main(live)
    except Exception:
        bad = True
    if bad:
        note(f"note: task {live.name!r} was defined in __main__ and cloudpickle is not "
             "installed; running it serially")  # fmt: skip
        return "serial"
    return executor


@contextlib.contextmanager
def _main_not_rerun() -> Iterator[None]:
    """Worker processes (forkserver/spawn) re-import the parent's ``__main__`` from its file or
    module name: a script or notebook calling ``compare`` without a ``__main__`` guard would run
    again in each worker. While the study runs, ``__main__`` shows neither (its code reaches
    the workers inside the pickled task instead)."""
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__dict__["__spec__"] = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def compare(
    task: Any = None,
    *,
    model: Any = None,
    data: Any = None,
    loss: Any = "auto",
    metric: Any = "auto",
    optimizers: str | Sequence[str] = DEFAULT_OPTIMIZERS,
    schedules: str | Sequence[str] | None = None,
    lrs: str | float | Sequence[float] = "default",
    seeds: int = 3,
    epochs: int | None = None,
    batch_size: int | None = None,
    subset: int | None = None,
    name: str | None = None,
    executor: str = "auto",
    workers: int | None = None,
    store: str | Path | None = None,
    out: str | Path = "runs",
    device: str | None = None,
    retry_failed: bool = False,
    quiet: bool = False,
    **study: Any,
) -> Study:
    """Train every optimizer × schedule × LR × seed fairly on ``task`` and return the
    :class:`Study`. ``task``: a registered name, ``module:callable``, data path, ``Task``, or
    ``(model, data)`` (also as ``model=``/``data=``; then ``loss``/``metric`` apply, see
    :func:`optarena.tasks.task`). Other study-file keys (``opt``, ``sched``, ``tune``,
    ``clip_grad``, ``schedule_unit`` ...) pass through ``study``."""
    from optarena import tasks
    from optarena.paths import check_name
    from optarena.store import DEFAULT_STORE, store_target
    from optarena.study import check_names, parse_spec, run_study
    from optarena.study.validate import check_run_flags, validate_spec

    entry, live = _resolve_task(task, model, data, loss, metric, name)
    if live is not None:
        tasks.register(live, overwrite=True, session=True)
    note = (lambda text: None) if quiet else (lambda text: print(text, file=sys.stderr))
    executor = _executor_for(executor, live, note)
    study_name = name or str(entry.get("task") or Path(entry["data"]).name).replace(":", "-")
    check_name(study_name)
    check_run_flags(executor, workers, 120.0)
    raw: dict[str, Any] = {**entry, "optimizers": _names(optimizers), "seeds": seeds}
    raw["lrs"] = [lrs] if isinstance(lrs, (int, float)) else lrs
    optional = {"schedules": _names(schedules), "epochs": epochs, "batch_size": batch_size,
                "subset": subset, "device": device}  # fmt: skip
    raw.update({k: v for k, v in optional.items() if v is not None}, **study)
    spec = parse_spec(raw, name=study_name)
    check_names(spec)
    validate_spec(spec)
    out = Path(out)
    store_path = store_target(str(store)) if store is not None else out / DEFAULT_STORE.name
    with _main_not_rerun():
        run = run_study(spec, store_path=store_path, out=out, executor=executor,
                        workers=workers, name=study_name, retry_failed=retry_failed)  # fmt: skip
    if not quiet:
        note(f"study {study_name!r}: {len(run.executed)} trials run now, {run.skipped} already "
             f"done, {len(run.failed)} failed; store {store_path}")  # fmt: skip
    return Study(study_name, store_path, out, run)
