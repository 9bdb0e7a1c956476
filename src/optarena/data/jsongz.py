"""Reader for the ``mnist.json.gz`` layout of the Paddle MNIST tutorial.

The file is a JSON list ``[train, val, test]``, each ``[images, labels]``, with every image a flat
list of floats in [-1, 1] or [0, 1]. Flat images of a known size (784 → 1×28×28, 1024 → 1×32×32,
3072 → 3×32×32) are stored as uint8; any other width stays float32 ``N×D``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

KNOWN_SHAPES = {784: (1, 28, 28), 1024: (1, 32, 32), 3072: (3, 32, 32)}
SPLITS = ("train", "val", "test")


def _images(values: list, source: str) -> np.ndarray:
    x = np.asarray(values, dtype=np.float32)
    if x.ndim != 2:
        raise ValueError(f"{source}: images must be flat lists of equal length")
    shape = KNOWN_SHAPES.get(x.shape[1])
    if shape is None:
        return x
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 1.0)
    if lo < -1.0 - 1e-6 or hi > 1.0 + 1e-6:
        raise ValueError(f"{source}: pixel values must lie in [-1, 1] or [0, 1], got {lo}..{hi}")
    if lo < 0.0:
        x = (x + 1.0) / 2.0
    return np.rint(np.clip(x, 0.0, 1.0) * 255.0).astype(np.uint8).reshape(-1, *shape)


def read_jsongz(path: str | Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{"train": (x, y), "val": ..., "test": ...}`` from ``mnist.json.gz`` (or ``.json``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        data = json.loads(text)
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable JSON (.json.gz) file ({exc})") from None
    if not isinstance(data, list) or len(data) != 3:
        raise ValueError(f"{path}: expected a list [train, val, test], got {type(data).__name__}")
    splits = {}
    for name, part in zip(SPLITS, data, strict=True):
        if not isinstance(part, list) or len(part) != 2:
            raise ValueError(f"{path}: the {name} entry must be [images, labels]")
        x = _images(part[0], f"{path} ({name})")
        y = np.asarray(part[1], dtype=np.int64).reshape(-1)
        if len(x) != len(y):
            raise ValueError(f"{path}: {name} has {len(x)} images but {len(y)} labels")
        splits[name] = (x, y)
    return splits
