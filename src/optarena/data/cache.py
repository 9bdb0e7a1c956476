"""Per-file cache of decoded images, so a folder is decoded once and a change re-decodes little.

Each file's entry is keyed by (absolute path, size, mtime, decode settings); one cache file per
(folder, settings) holds all entries as a uint8 tensor plus metadata, written atomically and read
with ``torch.load(weights_only=True)``. The cache lives in ``$OPTARENA_CACHE`` (default
``~/.cache/optarena``) under ``images/``.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

import numpy as np
import torch

from optarena.atomic import torch_save
from optarena.data.decode import Decoded
from optarena.diskfull import storage_error

VERSION = 1


def cache_root() -> Path:
    """``$OPTARENA_CACHE`` or ``~/.cache/optarena``."""
    return Path(os.environ.get("OPTARENA_CACHE") or Path.home() / ".cache" / "optarena")


def file_key(path: Path, settings: str) -> str:
    """A key that changes when the file's path, size or modification time changes."""
    st = path.stat()
    text = f"{VERSION}|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{settings}"
    return hashlib.sha1(text.encode()).hexdigest()


def cache_file(root: Path, settings: str) -> Path:
    digest = hashlib.sha1(f"{VERSION}|{root.resolve()}|{settings}".encode()).hexdigest()[:20]
    return cache_root() / "images" / f"{digest}.pt"


def load_entries(path: Path) -> dict[str, Decoded]:
    """The cached entries (empty when the cache is absent or unreadable)."""
    if not path.is_file():
        return {}
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        x = blob["x"].numpy()
        entries: dict[str, Decoded] = {}
        for i, key in enumerate(blob["keys"]):
            size = (int(blob["sizes"][i][0]), int(blob["sizes"][i][1]))
            entries[key] = Decoded(x[i], size, blob["modes"][i])
        for key, error in blob["errors"].items():
            entries[key] = Decoded(None, (0, 0), "", error)
        return entries
    except Exception:  # a stale or damaged cache is simply rebuilt
        return {}


def save_entries(path: Path, entries: dict[str, Decoded]) -> None:
    """Write the entries atomically (temporary file, then rename); on a full or read-only
    disk they are not cached (a warning says so)."""
    good = [(k, d) for k, d in entries.items() if d.array is not None]
    if good:
        x = torch.from_numpy(np.stack([d.array for _, d in good]))
    else:
        x = torch.zeros((0, 1, 1, 1), dtype=torch.uint8)
    blob = {
        "x": x,
        "keys": [k for k, _ in good],
        "sizes": [[d.size[0], d.size[1]] for _, d in good],
        "modes": [d.mode for _, d in good],
        "errors": {k: d.error for k, d in entries.items() if d.array is None},
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch_save(blob, path)
    except OSError as exc:  # a cache is optional: a full or read-only disk only costs time
        if storage_error(exc) is None:
            raise
        warnings.warn(
            f"decoded images not cached ({exc}); they are decoded again next time", stacklevel=2
        )
