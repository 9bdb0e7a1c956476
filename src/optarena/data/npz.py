"""Reader for ``.npz`` files holding ``x``/``y`` (or ``x_train``/``y_train``/``x_val``/...).

Images may be ``N×H×W``, ``N×C×H×W`` or ``N×H×W×C`` (uint8, or floats in [0, 1]); anything else
with two dimensions is tabular (float32 ``N×D``). An optional ``classes`` array names the labels.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

SPLIT_KEYS = {
    "train": ("x_train", "y_train"),
    "val": ("x_val", "y_val"),
    "test": ("x_test", "y_test"),
}


def to_images_or_table(x: np.ndarray, source: str) -> np.ndarray:
    """uint8 ``N×C×H×W`` images, or float32 ``N×D`` features."""
    if np.issubdtype(x.dtype, np.floating) and x.size and not np.isfinite(x).all():
        raise ValueError(f"{source}: holds NaN or infinite values; every value must be finite")
    if x.ndim == 2:
        return x.astype(np.float32, copy=False)
    if x.ndim == 3:
        x = x[:, None]
    elif x.ndim == 4 and x.shape[-1] in (1, 3, 4) and x.shape[1] not in (1, 3, 4):
        x = x.transpose(0, 3, 1, 2)
    elif x.ndim != 4:
        raise ValueError(f"{source}: x must have 2, 3 or 4 dimensions, got shape {x.shape}")
    if x.dtype == np.uint8:
        return np.ascontiguousarray(x)
    if np.issubdtype(x.dtype, np.floating) and x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(f"{source}: float images must lie in [0, 1] (got {x.min()}..{x.max()})")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{source}: images must be uint8 or float in [0, 1], got {x.dtype}")
    return np.ascontiguousarray(np.rint(x * 255.0).astype(np.uint8))


def _labels(y: np.ndarray, source: str) -> np.ndarray:
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or (y.size and y.min() < 0):
        raise ValueError(f"{source}: y must be non-negative integers of shape (N,), got {y.dtype}")
    return y.astype(np.int64)


def _array(archive: Any, key: str, path: Path) -> np.ndarray:
    """One array of the archive; a header that lies about its shape or a damaged member is a
    ``ValueError`` naming the file."""
    try:
        return np.asarray(archive[key])
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"{path}: array {key!r} is unreadable ({first})") from None


def read_npz(path: str | Path) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str] | None]:
    """``({split: (x, y)}, classes or None)`` from an ``.npz`` file."""
    path = Path(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc})") from None
    with archive:
        keys = set(archive.files)
        found: dict[str, tuple[str, str]] = {}
        if {"x", "y"} <= keys:
            found["train"] = ("x", "y")
        for split, pair in SPLIT_KEYS.items():
            if set(pair) <= keys:
                found[split] = pair
        if "train" not in found:
            raise ValueError(
                f"{path}: needs arrays 'x' and 'y' (or 'x_train'/'y_train'); has {sorted(keys)}"
            )
        splits = {}
        for split, (kx, ky) in found.items():
            x = to_images_or_table(_array(archive, kx, path), f"{path}:{kx}")
            y = _labels(_array(archive, ky, path), f"{path}:{ky}")
            if len(x) != len(y):
                raise ValueError(f"{path}: {kx} has {len(x)} rows but {ky} has {len(y)}")
            splits[split] = (x, y)
        classes = [str(c) for c in archive["classes"].tolist()] if "classes" in keys else None
    return splits, classes
