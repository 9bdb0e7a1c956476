"""A user's data in any common shape, turned into a :class:`~optarena.data.Dataset` once.

Accepted (optionally returned by a zero-argument function): a pair ``(X, y)`` of tensors or
arrays; any map-style ``torch.utils.data.Dataset`` (``len`` and ``ds[i] -> (x, y)``, read once
and stacked); a triple ``(train, val, test)`` or a mapping ``{"train", "val", "test"}`` of such
pairs or datasets (``val``/``test`` may be left out and are then carved from ``train``). Carving
is a fixed permutation (seed 0), so every trial of every optimizer sees the same splits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.data.types import Dataset, Split


def _is_array(obj: Any) -> bool:
    return isinstance(obj, torch.Tensor) or hasattr(obj, "__array__")


def _tensor(value: Any) -> torch.Tensor:
    t = value if isinstance(value, torch.Tensor) else torch.as_tensor(value)
    if t.dtype.is_floating_point:
        return t.float()
    if t.dtype == torch.bool:
        return t.float()
    return t.long() if t.dtype != torch.uint8 else t


def _is_pair(obj: Any) -> bool:
    return isinstance(obj, (tuple, list)) and len(obj) == 2 and all(_is_array(o) for o in obj)


def _is_map_dataset(obj: Any) -> bool:
    if isinstance(obj, type):  # a Dataset class: a function that makes the dataset
        return False
    return hasattr(obj, "__getitem__") and hasattr(obj, "__len__") and not _is_array(obj)


def to_split(obj: Any, what: str = "data") -> Split:
    """One split from a pair ``(X, y)`` or a map-style dataset of ``(x, y)`` items."""
    if _is_pair(obj):
        x, y = _tensor(obj[0]), _tensor(obj[1])
        if y.dtype == torch.uint8:
            y = y.long()
        return Split(x, y)
    if _is_map_dataset(obj) and not isinstance(obj, (tuple, list, Mapping)):
        items = [obj[i] for i in range(len(obj))]
        if not items:
            raise ValueError(f"{what}: the dataset is empty")
        if not all(isinstance(it, (tuple, list)) and len(it) == 2 for it in items[:1]):
            raise ValueError(f"{what}: dataset items must be (input, target) pairs")
        xs = torch.stack([_tensor(it[0]) for it in items])
        ys = torch.stack([_tensor(it[1]) for it in items])
        return Split(xs, ys.long() if ys.dtype == torch.uint8 else ys)
    raise ValueError(
        f"{what}: expected a pair (X, y) of tensors/arrays or a map-style Dataset, "
        f"got {type(obj).__name__}"
    )


def _take(split: Split, idx: torch.Tensor) -> Split:
    return Split(split.x[idx], split.y[idx])


def carve(split: Split, fraction: float, what: str) -> tuple[Split, Split]:
    """``(rest, part)``: ``part`` holds ``fraction`` of the examples (at least one), chosen by a
    fixed permutation (seed 0)."""
    n = len(split)
    k = max(1, round(n * fraction))
    if n - k < 1:
        raise ValueError(f"too few examples ({n}) to carve a {what} split of {fraction:g}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    return _take(split, order[k:].sort().values), _take(split, order[:k].sort().values)


def to_dataset(
    name: str, source: Any, *, val_fraction: float = 0.2, test_fraction: float = 0.2
) -> Dataset:
    """The :class:`Dataset` of ``source`` (see the module docstring)."""
    if callable(source) and not _is_map_dataset(source):
        source = source()
    parts: dict[str, Any]
    if isinstance(source, Mapping):
        unknown = set(source) - {"train", "val", "test"}
        if unknown or "train" not in source:
            raise ValueError(f"data mapping needs 'train' (and optional 'val', 'test'), "
                             f"got keys {sorted(source)}")  # fmt: skip
        parts = dict(source)
    elif isinstance(source, (tuple, list)) and len(source) == 3 and not _is_pair(source):
        parts = dict(zip(("train", "val", "test"), source, strict=True))
    else:
        parts = {"train": source}
    splits = {k: to_split(v, f"data[{k!r}]") for k, v in parts.items() if v is not None}
    rest = 1.0  # fractions are of all the examples given
    if "test" not in splits:
        splits["train"], splits["test"] = carve(splits["train"], test_fraction, "test")
        rest -= test_fraction
    if "val" not in splits:
        fraction = min(val_fraction / rest, 0.99)
        splits["train"], splits["val"] = carve(splits["train"], fraction, "validation")
    y = splits["train"].y
    classes: list[str] = []
    if not y.dtype.is_floating_point:
        top = max(int(s.y.max()) for s in splits.values() if len(s)) + 1
        classes = [str(i) for i in range(top)]
    info = {"source": "user", "sizes": {k: len(s) for k, s in splits.items()}}
    return Dataset(name, splits["train"], splits["val"], splits["test"], classes, info)
