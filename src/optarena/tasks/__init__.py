"""Task registry: ``get``, ``names``, ``catalog``, ``register`` and ``from_data`` (any data);
user tasks (:class:`UserTask`, :func:`task`), also named by ``module:callable``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optarena.errors import unknown_name
from optarena.imports import is_object_path, load_object
from optarena.registry import Registry
from optarena.tasks.builtin import BUILTIN
from optarena.tasks.custom import UserTask, task
from optarena.tasks.lm import STDLIB_LM
from optarena.tasks.task import AUTO, Task, auto_model

__all__ = [
    "AUTO",
    "Task",
    "UserTask",
    "as_task",
    "auto_model",
    "catalog",
    "forget_session",
    "from_data",
    "get",
    "names",
    "receive",
    "register",
    "session_names",
    "shipment",
    "task",
]

_REGISTRY: Registry[Task] = Registry("task")
_FILE_SUFFIXES = (".npz", ".json.gz", ".json")


_SESSION: set[str] = set()  # tasks registered from live Python objects (shipped to workers)
_LOADED: dict[str, Task] = {}  # module:callable tasks, loaded once per process


def register(task: Task, *, overwrite: bool = False, session: bool = False) -> Task:
    """Add ``task`` under ``task.name``; its model must be registered (or ``auto``/a path)
    unless it is a :class:`UserTask`. ``session``: a task made in this process (a notebook
    cell) that worker processes receive with each job (:func:`shipment`)."""
    if not isinstance(task, Task):
        raise ValueError(f"register() takes a Task, got {type(task).__name__}")
    if not getattr(task, "custom", False):
        _check_model(task.model)
    added = _REGISTRY.add(task.name, task, overwrite=overwrite)
    if session:
        _SESSION.add(task.name)
    return added


def session_names() -> list[str]:
    """Names of the tasks registered from live objects in this process."""
    return sorted(_SESSION)


def forget_session() -> None:
    """Drop the session tasks and the loaded ``module:callable`` tasks (tests, notebooks)."""
    for name in _SESSION:
        _REGISTRY._entries.pop(name, None)
    _SESSION.clear()
    _LOADED.clear()


def as_task(obj: Any) -> Task:
    """A :class:`Task` from a task, a zero-argument function returning one, or a
    ``module:callable`` path to either."""
    source = obj
    if isinstance(obj, str):
        if not is_object_path(obj):
            return get(obj)
        obj = load_object(obj)
    if not isinstance(obj, Task) and callable(obj):
        obj = obj()
    if not isinstance(obj, Task):
        raise ValueError(f"{source!r} is not a task (nor a function returning one): "
                         f"got {type(obj).__name__}")  # fmt: skip
    return obj


def shipment(name: str | None) -> bytes | None:
    """The pickled session task ``name`` (cloudpickle when installed, so code from a notebook
    travels by value), or None for tasks every process can build itself."""
    if name is None or name not in _SESSION:
        return None
    try:
        import cloudpickle as pickler
    except ImportError:
        import pickle as pickler
    return pickler.dumps(_REGISTRY.get(name))


def receive(payload: bytes) -> Task:
    """Register a task :func:`shipment` pickled (in a worker process)."""
    import pickle

    task = pickle.loads(payload)
    return register(task, overwrite=True)


def names() -> list[str]:
    return _REGISTRY.names()


def get(name: str) -> Task:
    """The registered task ``name``; an existing path is turned into a task by :func:`from_data`;
    ``module:callable`` names a user's task (or a function returning one), loaded once."""
    if name in _REGISTRY:
        return _REGISTRY.get(name)
    if is_object_path(name):
        if name not in _LOADED:
            _LOADED[name] = as_task(name)
        return _LOADED[name]
    if Path(name).expanduser().exists():
        return from_data(name)
    return _REGISTRY.get(name)


def catalog() -> list[dict[str, Any]]:
    rows = [get(name).summary() for name in names()]
    for row in rows:
        row["dataset"] = row["dataset"] or "(any path)"
    return rows


def _check_model(model: str) -> None:
    from optarena import models

    if model != AUTO and not is_object_path(model) and model not in models.names():
        raise unknown_name("model", model, [*models.names(), AUTO])


def _known_datasets() -> list[str]:
    try:
        from optarena import data

        return list(data.names())
    except (ImportError, AttributeError):  # the data registry is optional for tasks
        return []


def from_data(path_or_name: str | Path, model: str | None = None, **overrides: Any) -> Task:
    """A task for any data: an image folder, an ``.npz``/``mnist.json.gz`` file or a dataset name.

    Folders start from the ``imagefolder`` template (64×64, flip augmentation); files and named
    datasets from plain defaults (no augmentation, native size). ``model`` defaults to ``auto``
    (:func:`auto_model`: ``mlp`` for tabular data and tiny images, a small CNN otherwise);
    ``overrides`` replace any other :class:`Task` field (``epochs=5``, ``image_size=32``...).
    """
    source = str(path_or_name)
    path = Path(source).expanduser()
    if path.is_dir():
        base = _REGISTRY.get("imagefolder")
    elif path.is_file():
        if not source.lower().endswith(_FILE_SUFFIXES):
            raise ValueError(
                f"{source!r} is not an image folder, .npz or .json.gz file "
                f"(supported files end with {', '.join(_FILE_SUFFIXES)})"
            )
        base = Task(name=source, dataset=source, model=AUTO, epochs=20, batch_size=128)
    else:
        known = _known_datasets()
        if known and source not in known:
            if any(sep in source for sep in ("/", "\\")) or source.endswith(_FILE_SUFFIXES):
                raise FileNotFoundError(f"data path {source!r} does not exist")
            raise unknown_name("dataset", source, known)
        base = Task(name=source, dataset=source, model=AUTO, epochs=20, batch_size=128)
    if model is not None:
        _check_model(model)
    changes: dict[str, Any] = {"name": source, "dataset": source, **overrides}
    if model is not None:
        changes["model"] = model
        changes.setdefault("model_kwargs", {})
    changes.setdefault("description", f"{source} ({base.description or 'data'})")
    return base.replace(**changes)


for _task in (*BUILTIN, STDLIB_LM):
    register(_task)
