"""Task registry: ``get``, ``names``, ``catalog``, ``register`` and ``from_data`` (any data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optarena.errors import unknown_name
from optarena.imports import is_object_path
from optarena.registry import Registry
from optarena.tasks.builtin import BUILTIN
from optarena.tasks.lm import STDLIB_LM
from optarena.tasks.task import AUTO, Task, auto_model

__all__ = ["AUTO", "Task", "auto_model", "catalog", "from_data", "get", "names", "register"]

_REGISTRY: Registry[Task] = Registry("task")
_FILE_SUFFIXES = (".npz", ".json.gz", ".json")


def register(task: Task, *, overwrite: bool = False) -> Task:
    """Add ``task`` under ``task.name``; its model must be registered (or ``auto``/a path)."""
    if not isinstance(task, Task):
        raise ValueError(f"register() takes a Task, got {type(task).__name__}")
    _check_model(task.model)
    return _REGISTRY.add(task.name, task, overwrite=overwrite)


def names() -> list[str]:
    return _REGISTRY.names()


def get(name: str) -> Task:
    """The registered task ``name``; an existing path is turned into a task by :func:`from_data`."""
    if name not in _REGISTRY and Path(name).expanduser().exists():
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
