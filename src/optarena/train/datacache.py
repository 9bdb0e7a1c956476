"""Keep decoded datasets in a process while it runs many trials (a study's worker or the
serial executor), so each process decodes a dataset once per study, not once per trial.

Off by default (a lone ``train`` keeps nothing); :func:`keep_datasets` turns it on. Entries are
the loaded ``Dataset`` and its ``Transform`` (normalisation statistics), keyed by everything
that determines them; the trainer only reads them, so trials can share them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_CACHE: OrderedDict[Hashable, Any] | None = None
_SIZE = 2


@contextmanager
def keep_datasets(size: int = 2) -> Iterator[None]:
    """Within this block, :func:`cached` remembers the last ``size`` entries."""
    global _CACHE, _SIZE
    outer, outer_size = _CACHE, _SIZE
    _CACHE, _SIZE = (outer if outer is not None else OrderedDict()), max(size, outer_size)
    try:
        yield
    finally:
        _CACHE, _SIZE = outer, outer_size


def enable(size: int = 2) -> None:
    """Keep datasets for the rest of this process (a worker process calls this once)."""
    global _CACHE, _SIZE
    _CACHE, _SIZE = _CACHE if _CACHE is not None else OrderedDict(), size


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, or the value remembered under ``key`` when caching is on."""
    if _CACHE is None:
        return load()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = load()
    _CACHE[key] = value
    while len(_CACHE) > _SIZE:
        _CACHE.popitem(last=False)
    return value
