"""Data: readers for benchmark formats and image folders, named datasets, splits and batches.

The contract (docs/contracts.md): ``load`` returns a ``Dataset`` of uint8 image or float32
tabular tensors with train/val/test splits; ``batches`` feeds them in an order that depends only
on (seed, epoch); ``make_transform`` scales, augments and normalises batches.
"""

from __future__ import annotations

from typing import Any

from optarena.data.batching import batch_order, batches
from optarena.data.loading import load
from optarena.data.named import REGISTRY, download, register
from optarena.data.split import subset
from optarena.data.transforms import Transform, make_transform
from optarena.data.types import Dataset, Split

__all__ = [
    "Dataset", "Split", "Transform", "batch_order", "batches", "catalog", "download", "load",
    "make_transform", "names", "register", "subset",
]  # fmt: skip


def names() -> list[str]:
    """The registered dataset names."""
    return REGISTRY.names()


def catalog() -> list[dict[str, Any]]:
    """One row per registered dataset (``optarena list datasets``)."""
    rows = []
    for name in REGISTRY.names():
        spec = REGISTRY.get(name)
        rows.append(
            {
                "name": name,
                "offline": spec.offline,
                "description": spec.description,
                "source": spec.url,
            }
        )
    return rows
