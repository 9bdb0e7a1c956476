"""Reader for the CIFAR-10 / CIFAR-100 python-pickle layout (folder or ``.tar.gz`` archive).

Layout (https://www.cs.toronto.edu/~kriz/cifar.html): CIFAR-10 has ``data_batch_1..5``,
``test_batch`` and ``batches.meta`` (``label_names``); CIFAR-100 has ``train``, ``test`` and
``meta`` (``fine_label_names``). Each batch is a pickled dict with ``data`` (N×3072 uint8, the
red, green then blue 32×32 planes) and ``labels`` / ``fine_labels``.
"""

from __future__ import annotations

import io
import pickle
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),
}


class _SafeUnpickler(pickle.Unpickler):
    """Unpickles plain containers and numpy arrays only; refuses every other global."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR batch")


def _unpickle(data: bytes, source: str) -> dict[str, Any]:
    try:
        obj = _SafeUnpickler(io.BytesIO(data), encoding="bytes").load()
    except Exception as exc:  # corrupt or hostile file: one clear message
        raise ValueError(f"{source}: not a CIFAR python pickle ({exc})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{source}: expected a pickled dict, got {type(obj).__name__}")
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in obj.items()}


def _names(values: Any) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _opener(root: Path) -> tuple[Callable[[str], bytes | None], list[str], str]:
    """A reader of member files by base name, the member names, and a description."""
    if root.is_file():
        with tarfile.open(root, "r:*") as tar:
            members = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}
            blobs = {name: tar.extractfile(m).read() for name, m in members.items()}  # type: ignore[union-attr]
        return blobs.get, sorted(blobs), str(root)
    folder = root
    for sub in ("cifar-10-batches-py", "cifar-100-python"):
        if (root / sub).is_dir():
            folder = root / sub

    def read(name: str) -> bytes | None:
        path = folder / name
        return path.read_bytes() if path.is_file() else None

    return read, sorted(p.name for p in folder.iterdir() if p.is_file()), str(folder)


def _batch(read: Callable[[str], bytes | None], name: str, where: str, key: str) -> tuple:
    raw = read(name)
    if raw is None:
        raise FileNotFoundError(f"{where}: missing CIFAR file {name!r}")
    batch = _unpickle(raw, f"{where}/{name}")
    if "data" not in batch or key not in batch:
        raise ValueError(f"{where}/{name}: CIFAR batch lacks 'data' or {key!r}")
    data = np.asarray(batch["data"], dtype=np.uint8)
    labels = np.asarray(batch[key], dtype=np.int64)
    if data.ndim != 2 or data.shape[1] != 3072 or len(data) != len(labels):
        raise ValueError(f"{where}/{name}: expected N×3072 data and N labels, got {data.shape}")
    return data.reshape(-1, 3, 32, 32), labels


def detect(root: Path) -> str | None:
    """``"cifar10"``, ``"cifar100"`` or None for a folder / archive path."""
    try:
        _, members, _ = _opener(root)
    except (tarfile.TarError, OSError):
        return None
    if "batches.meta" in members or "test_batch" in members:
        return "cifar10"
    if "meta" in members and "train" in members:
        return "cifar100"
    return None


def read_cifar(root: str | Path) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str]]:
    """``({"train": (x, y), "test": (x, y)}, classes)`` from a CIFAR-10/100 folder or archive."""
    root = Path(root)
    kind = detect(root)
    read, members, where = _opener(root)
    if kind == "cifar10":
        train_names = sorted(m for m in members if m.startswith("data_batch_"))
        if not train_names:
            raise FileNotFoundError(f"{where}: no data_batch_* files")
        parts = [_batch(read, n, where, "labels") for n in train_names]
        train = (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
        test = _batch(read, "test_batch", where, "labels")
        meta_name, meta_key = "batches.meta", "label_names"
    elif kind == "cifar100":
        train = _batch(read, "train", where, "fine_labels")
        test = _batch(read, "test", where, "fine_labels")
        meta_name, meta_key = "meta", "fine_label_names"
    else:
        raise FileNotFoundError(f"{where}: not a CIFAR-10/100 python folder or archive")
    meta_raw = read(meta_name)
    top = int(max(train[1].max(initial=0), test[1].max(initial=0))) + 1
    classes = [str(i) for i in range(top)]
    if meta_raw is not None:
        meta = _unpickle(meta_raw, f"{where}/{meta_name}")
        if meta_key in meta:
            classes = _names(meta[meta_key])
    if top > len(classes):
        raise ValueError(f"{where}: label {top - 1} but only {len(classes)} class names")
    return {"train": train, "test": test}, classes
