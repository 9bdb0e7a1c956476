"""``load``: any supported source (registered name or path) → a ``Dataset`` with three splits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from optarena.data import cifar, imagefolder, jsongz, named, npz
from optarena.data.split import carve
from optarena.data.types import Dataset, Split
from optarena.errors import unknown_name

Arrays = dict[str, tuple[np.ndarray, np.ndarray]]


def _read_path(path: Path, image_size: int | None, grayscale: bool | None):
    """``(splits, classes or None, info)`` for a file or folder path."""
    name = path.name.lower()
    if path.is_dir():
        if cifar.detect(path) is not None:
            splits, classes = cifar.read_cifar(path)
            return splits, classes, {"source": str(path), "format": "cifar pickle"}
        for spec in ("mnist",):
            loaded = _try_idx_folder(path, spec)
            if loaded is not None:
                return loaded
        size = image_size or imagefolder.DEFAULT_IMAGE_SIZE
        return imagefolder.read_folder(path, image_size=size, grayscale=bool(grayscale))
    if name.endswith(".npz"):
        splits, classes = npz.read_npz(path)
        return splits, classes, {"source": str(path), "format": "npz"}
    if name.endswith((".json.gz", ".json")):
        return jsongz.read_jsongz(path), None, {"source": str(path), "format": "json.gz"}
    if name.endswith((".tar.gz", ".tgz", ".tar")) and cifar.detect(path) is not None:
        splits, classes = cifar.read_cifar(path)
        return splits, classes, {"source": str(path), "format": "cifar pickle"}
    raise ValueError(
        f"{path}: unsupported file; expected an image folder, a CIFAR folder/archive, an IDX "
        "folder, .npz (x/y arrays) or mnist.json.gz"
    )


def _try_idx_folder(path: Path, spec: str):
    from optarena.data import idx

    if any(idx.find_idx(path, f) is None for f in named.IDX_FILES):
        return None
    splits, _, info = named.REGISTRY.get(spec).loader(path, False, None)
    top = int(max(y.max(initial=0) for _, y in splits.values())) + 1
    return splits, [str(i) for i in range(top)], info


def _adapt(x: torch.Tensor, image_size: int | None, grayscale: bool | None) -> torch.Tensor:
    """Resize (bilinear, antialiased) and/or change channels of uint8 images."""
    if x.dtype != torch.uint8 or x.ndim != 4:
        if image_size or grayscale:
            raise ValueError("image_size/grayscale apply to images only, not tabular data")
        return x
    if grayscale and x.shape[1] == 3:
        weights = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)  # ITU-R 601-2, as PIL "L"
        x = (x.float() * weights).sum(1, keepdim=True).round().clamp(0, 255).to(torch.uint8)
    elif grayscale is False and x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1).contiguous()
    if image_size and tuple(x.shape[2:]) != (image_size, image_size):
        out = torch.nn.functional.interpolate(
            x.float(), size=(image_size, image_size), mode="bilinear", antialias=True
        )
        x = out.round().clamp(0, 255).to(torch.uint8)
    return x


#: Unnamed integer labels may reach ``max(examples, MIN_CLASS_LIMIT)``; a larger label (a 1 KB
#: file labelled 10⁹ would build a billion class names) is a broken file, refused.
MIN_CLASS_LIMIT = 1000


def _classes_for(splits: Arrays) -> list[str]:
    top = max((int(y.max()) + 1 for _, y in splits.values() if y.size), default=0)
    examples = sum(len(y) for _, y in splits.values())
    if top > max(examples, MIN_CLASS_LIMIT):
        raise ValueError(
            f"label {top - 1} is far beyond the number of examples ({examples}): labels must "
            "be class indices 0..K-1 (or name the classes with a `classes` array)"
        )
    return [str(i) for i in range(top)]


def _assemble(
    name: str,
    splits: Arrays,
    classes: list[str] | None,
    info: dict[str, Any],
    *,
    val_fraction: float,
    test_fraction: float,
    split_seed: int,
    image_size: int | None,
    grayscale: bool | None,
) -> Dataset:
    classes = classes or _classes_for(splits)
    tensors: dict[str, Split] = {}
    for key, (x, y) in splits.items():
        if y.size and (y.min() < 0 or y.max() >= len(classes)):
            raise ValueError(f"{name}: {key} labels must lie in 0..{len(classes) - 1}")
        xt = _adapt(torch.from_numpy(np.ascontiguousarray(x)), image_size, grayscale)
        tensors[key] = Split(xt, torch.from_numpy(np.ascontiguousarray(y, dtype=np.int64)))
    info = {"skipped": [], **info}
    carved = []
    if "test" not in tensors:
        tensors["train"], tensors["test"] = carve(
            tensors["train"], test_fraction, f"test-{split_seed}"
        )
        carved.append("test")
    if "val" not in tensors:
        tensors["train"], tensors["val"] = carve(
            tensors["train"], val_fraction, f"val-{split_seed}"
        )
        carved.append("val")
    info["carved"] = carved
    if carved:
        info["split_seed"] = split_seed
    if len(tensors["train"]) == 0:
        raise ValueError(f"{name}: the training split is empty")
    return Dataset(name, tensors["train"], tensors["val"], tensors["test"], list(classes), info)


def load(
    name_or_path: str | Path,
    *,
    data_dir: str | Path | None = None,
    download: bool = False,
    val_fraction: float = 0.1,
    test_fraction: float = 0.2,
    split_seed: int = 0,
    image_size: int | None = None,
    grayscale: bool | None = None,
) -> Dataset:
    """Load a registered dataset or a path as train/val/test tensors.

    Missing splits are carved, seeded and stratified: ``test`` takes ``test_fraction`` of a
    source with a single pool, then ``val`` takes ``val_fraction`` of what is left for training.
    Image folders are resized to ``image_size`` (default 64) and kept RGB unless ``grayscale``;
    other image sources keep their size and channels unless these are given.
    """
    for label, fraction in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0.0 <= fraction < 1.0:
            raise ValueError(f"{label} must lie in [0, 1), got {fraction}")
    if image_size is not None and (isinstance(image_size, bool) or image_size < 1):
        raise ValueError(f"image_size must be a positive integer, got {image_size}")
    text = str(name_or_path)
    path = Path(text).expanduser()
    if text in named.REGISTRY and not path.exists():
        spec = named.REGISTRY.get(text)
        directory = Path(data_dir).expanduser() if data_dir else None
        splits, classes, info = spec.loader(directory, download, None)
        name = text
        adapt_size, adapt_grey = image_size, grayscale
    elif path.exists():
        splits, classes, info = _read_path(path, image_size, grayscale)
        name = path.name.removesuffix(".gz").removesuffix(".json").removesuffix(".npz")
        folder = info.get("format") == "image folder"
        adapt_size, adapt_grey = (None, None) if folder else (image_size, grayscale)
    else:
        error = unknown_name("dataset", text, named.REGISTRY.names())
        raise ValueError(f"{error} — and no file or folder {text!r} exists") from None
    return _assemble(
        name, splits, classes, info, val_fraction=val_fraction, test_fraction=test_fraction,
        split_seed=split_seed, image_size=adapt_size, grayscale=adapt_grey,
    )  # fmt: skip
