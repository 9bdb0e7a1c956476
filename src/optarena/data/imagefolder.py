"""Image folders: ``root/<class>/*`` or ``root/{train,val,test}/<class>/*``.

Classes are the sorted class-folder names. Files with an image suffix are decoded once (in
worker processes) and cached per file; unreadable, corrupt or empty ones are skipped, listed in
``info["skipped"]`` and counted in one warning. Other files (``.txt``, hidden files) are ignored.
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from optarena.data import cache
from optarena.data.decode import DEFAULT_WORKERS, Decoded, decode_many

DEFAULT_IMAGE_SIZE = 64
IMAGE_SUFFIXES = {
    ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm",
}  # fmt: skip
SPLIT_DIRS = {"train": "train", "val": "val", "valid": "val", "validation": "val", "test": "test"}


def _visible_dirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _images_in(folder: Path) -> list[Path]:
    files = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).parts
        if any(part.startswith(".") for part in rel) or path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if path.is_file():
            files.append(path)
    return sorted(files)


def is_image_folder(root: Path) -> bool:
    """True when ``root`` has class sub-folders (directly or under split folders)."""
    return root.is_dir() and bool(_visible_dirs(root))


def scan(root: str | Path) -> tuple[dict[str, list[tuple[Path, str]]], list[str], str]:
    """``({split: [(file, class)]}, classes, layout)``; raises ValueError on a bad layout."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist")
    subdirs = _visible_dirs(root)
    names = {d.name.lower() for d in subdirs}
    split_layout = "train" in names and names <= set(SPLIT_DIRS)
    parts = {SPLIT_DIRS[d.name.lower()]: d for d in subdirs} if split_layout else {"train": root}
    files: dict[str, list[tuple[Path, str]]] = {}
    classes: set[str] = set()
    for split, folder in parts.items():
        class_dirs = _visible_dirs(folder)
        entries = []
        for class_dir in class_dirs:
            images = _images_in(class_dir)
            if not images:
                raise ValueError(f"class folder {class_dir} has no image files")
            entries.extend((path, class_dir.name) for path in images)
        files[split] = entries
        classes.update(d.name for d in class_dirs)
    train_classes = {c for _, c in files["train"]}
    if len(classes) < 2:
        raise ValueError(
            f"{root} needs at least two class folders (root/<class>/*.jpg), found {sorted(classes)}"
        )
    if missing := sorted(classes - train_classes):
        raise ValueError(f"{root}: classes {missing} have no training images")
    return files, sorted(classes), "split folders" if split_layout else "class folders"


def size_summary(sizes: list[tuple[int, int]], modes: list[str]) -> dict[str, Any]:
    """Original width/height range, the most common size, and counts per Pillow mode."""
    if not sizes:
        return {"count": 0}
    w = np.array([s[0] for s in sizes])
    h = np.array([s[1] for s in sizes])
    ((common, count),) = Counter(f"{a}x{b}" for a, b in sizes).most_common(1)
    return {
        "count": len(sizes),
        "width": [int(w.min()), int(w.max())],
        "height": [int(h.min()), int(h.max())],
        "most_common": [common, count],
        "modes": dict(sorted(Counter(modes).items())),
    }


def _decode_with_cache(
    root: Path, paths: list[Path], size: int, grayscale: bool, workers: int
) -> tuple[list[Decoded], int]:
    """Decoded results in the order of ``paths`` and how many were decoded (not cached)."""
    settings = f"size={size}|grey={grayscale}"
    where = cache.cache_file(root, settings)
    known = cache.load_entries(where)
    keys = [cache.file_key(p, settings) for p in paths]
    todo = [i for i, k in enumerate(keys) if k not in known]
    fresh = decode_many([str(paths[i]) for i in todo], size, grayscale, workers=workers)
    for i, result in zip(todo, fresh, strict=True):
        known[keys[i]] = result
    current = {k: known[k] for k in keys}
    if todo or len(current) != len(known):
        cache.save_entries(where, current)
    return [current[k] for k in keys], len(todo)


def read_folder(
    root: str | Path,
    *,
    image_size: int = DEFAULT_IMAGE_SIZE,
    grayscale: bool = False,
    workers: int = DEFAULT_WORKERS,
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str], dict[str, Any]]:
    """``({split: (x uint8 N×C×H×W, y int64)}, classes, info)`` for an image folder."""
    root = Path(root)
    if image_size < 1:
        raise ValueError(f"image_size must be a positive integer, got {image_size}")
    files, classes, layout = scan(root)
    index = {c: i for i, c in enumerate(classes)}
    channels = 1 if grayscale else 3
    skipped: list[dict[str, str]] = []
    todo: list[tuple[str, Path, str]] = []
    for split, entries in files.items():
        for path, cls in entries:
            if path.stat().st_size == 0:
                skipped.append({"path": str(path.relative_to(root)), "reason": "empty file"})
            else:
                todo.append((split, path, cls))
    results, decoded_count = _decode_with_cache(
        root, [p for _, p, _ in todo], image_size, grayscale, workers
    )
    arrays: dict[str, list[np.ndarray]] = {split: [] for split in files}
    labels: dict[str, list[int]] = {split: [] for split in files}
    sizes, modes = [], []
    for (split, path, cls), result in zip(todo, results, strict=True):
        if result.array is None:
            skipped.append({"path": str(path.relative_to(root)), "reason": str(result.error)})
            continue
        arrays[split].append(result.array)
        labels[split].append(index[cls])
        sizes.append(result.size)
        modes.append(result.mode)
    splits: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for split in files:
        x = (
            np.stack(arrays[split])
            if arrays[split]
            else np.zeros((0, channels, image_size, image_size), np.uint8)
        )
        splits[split] = (x, np.asarray(labels[split], dtype=np.int64))
    empty = [c for c in classes if not np.any(splits["train"][1] == index[c])]
    if empty:
        raise ValueError(f"{root}: no readable training images for classes {empty}")
    if skipped:
        warnings.warn(
            f"{root}: skipped {len(skipped)} unreadable or empty file(s), e.g. "
            f"{skipped[0]['path']} ({skipped[0]['reason']}); see info['skipped']",
            stacklevel=3,
        )
    info = {
        "source": str(root),
        "format": "image folder",
        "layout": layout,
        "skipped": skipped,
        "decoded": decoded_count,
        "cached": len(todo) - decoded_count,
        "image_size": image_size,
        "original_images": size_summary(sizes, modes),
    }
    return splits, classes, info
