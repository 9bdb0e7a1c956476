"""A summary of a loaded dataset for ``optarena data inspect``."""

from __future__ import annotations

from typing import Any

import torch

from optarena.data.types import Dataset

SPLITS = ("train", "val", "test")


def per_class(y: torch.Tensor, classes: list[str]) -> dict[str, int]:
    counts = torch.bincount(y, minlength=len(classes)).tolist()
    return {name: int(c) for name, c in zip(classes, counts, strict=True)}


def summarize(ds: Dataset) -> dict[str, Any]:
    """Classes, split sizes, per-class counts, tensor and original-image summary, skipped files."""
    splits = {s: getattr(ds, s) for s in SPLITS}
    x = ds.train.x
    original = ds.info.get("original_images")
    if original is None and x.ndim == 4:
        n = sum(len(s) for s in splits.values())
        mode = {1: "L", 3: "RGB"}.get(int(x.shape[1]), f"{x.shape[1]} channels")
        size = f"{x.shape[3]}x{x.shape[2]}"
        original = {"count": n, "width": [int(x.shape[3])] * 2, "height": [int(x.shape[2])] * 2,
                    "most_common": [size, n], "modes": {mode: n}}  # fmt: skip
    return {
        "name": ds.name,
        "source": ds.info.get("source"),
        "format": ds.info.get("format"),
        "classes": list(ds.classes),
        "num_classes": ds.num_classes,
        "input_shape": list(ds.input_shape),
        "dtype": str(x.dtype).removeprefix("torch."),
        "splits": {s: len(split) for s, split in splits.items()},
        "carved": ds.info.get("carved", []),
        "per_class": {s: per_class(split.y, ds.classes) for s, split in splits.items()},
        "original_images": original,
        "skipped": list(ds.info.get("skipped", [])),
    }
