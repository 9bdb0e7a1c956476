"""Registry of named datasets: canonical files, URLs and checksums, and how to read them.

Sources and checksums (the same ones torchvision lists): MNIST (LeCun et al.; mirror
https://ossci-datasets.s3.amazonaws.com/mnist/), Fashion-MNIST (Xiao et al. 2017, Zalando),
KMNIST (Clanuwat et al. 2018, ROIS-CODH), CIFAR-10/100 (Krizhevsky 2009). ``digits`` is
scikit-learn's bundled copy of the UCI 8×8 optical digits (1,797 images) and needs no files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from optarena.data import cifar, idx
from optarena.data.cache import cache_root
from optarena.data.download import base_url, fetch
from optarena.registry import Registry

Arrays = dict[str, tuple[np.ndarray, np.ndarray]]
Loader = Callable[[Path | None, bool, str | None], tuple[Arrays, list[str], dict[str, Any]]]
IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")  # fmt: skip


@dataclass(frozen=True)
class NamedDataset:
    """A registered dataset: ``loader(data_dir, download, mirror) -> (splits, classes, info)``."""

    name: str
    loader: Loader
    description: str = ""
    url: str = ""
    files: dict[str, str] = field(default_factory=dict)  # file name -> md5
    offline: bool = False


REGISTRY: Registry[NamedDataset] = Registry("dataset")


def default_dir(name: str) -> Path:
    """Where downloads of ``name`` go when no ``data_dir`` is given."""
    return cache_root() / "datasets" / name


def _missing_error(spec: NamedDataset, folder: Path, missing: list[str]) -> FileNotFoundError:
    return FileNotFoundError(
        f"dataset {spec.name!r}: missing {', '.join(missing)} in {folder}; pass --download "
        f"(download=True) to fetch from {spec.url}, or --data-dir pointing at a folder with them"
    )


def fetch_files(spec: NamedDataset, folder: Path, names: list[str], mirror: str | None) -> None:
    """Download ``names`` of ``spec`` into ``folder``, verifying their MD5s."""
    base = base_url(spec.url, spec.name, mirror)
    for name in names:
        fetch(base + name, folder / name, md5=spec.files.get(name))


def download(name: str, data_dir: str | Path | None = None, *, mirror: str | None = None) -> Path:
    """Fetch every file of dataset ``name`` into ``data_dir`` (default: the cache); the folder."""
    spec = REGISTRY.get(name)
    folder = Path(data_dir) if data_dir else default_dir(name)
    if spec.files:
        fetch_files(spec, folder, list(spec.files), mirror)
    return folder


def _idx_loader(name: str, classes: list[str]) -> Loader:
    def load(data_dir: Path | None, want_download: bool, mirror: str | None):
        spec = REGISTRY.get(name)
        folder = Path(data_dir) if data_dir else default_dir(name)
        missing = [f for f in IDX_FILES if idx.find_idx(folder, f) is None]
        if missing and want_download:
            fetch_files(spec, folder, missing, mirror)
        elif missing:
            raise _missing_error(spec, folder, missing)
        paths = [idx.find_idx(folder, f) for f in IDX_FILES]
        train = idx.read_image_label_pair(paths[0], paths[1])  # type: ignore[arg-type]
        test = idx.read_image_label_pair(paths[2], paths[3])  # type: ignore[arg-type]
        return {"train": train, "test": test}, classes, {"source": str(folder), "format": "idx"}

    return load


def _cifar_loader(name: str, archive: str, folder_name: str) -> Loader:
    def load(data_dir: Path | None, want_download: bool, mirror: str | None):
        spec = REGISTRY.get(name)
        folder = Path(data_dir) if data_dir else default_dir(name)
        for candidate in (folder / folder_name, folder, folder / archive):
            if candidate.exists() and cifar.detect(candidate) is not None:
                splits, classes = cifar.read_cifar(candidate)
                return splits, classes, {"source": str(candidate), "format": "cifar pickle"}
        if not want_download:
            raise _missing_error(spec, folder, [f"{folder_name}/ or {archive}"])
        fetch_files(spec, folder, [archive], mirror)
        splits, classes = cifar.read_cifar(folder / archive)
        return splits, classes, {"source": str(folder / archive), "format": "cifar pickle"}

    return load


def _digits(data_dir: Path | None, want_download: bool, mirror: str | None):
    images, target = _digits_arrays()
    images = np.rint(images.reshape(-1, 8, 8) * (255.0 / 16.0)).astype(np.uint8)[:, None]
    info = {
        "source": "sklearn.datasets.load_digits (UCI optical digits, bundled)",
        "format": "sklearn",
    }
    return {"train": (images, target.astype(np.int64))}, [str(c) for c in range(10)], info


def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 digits (pixels 0..16, flat) and labels, read from scikit-learn's bundled
    ``digits.csv.gz`` without importing scikit-learn (its import costs seconds); through
    ``load_digits`` where that file is not where it is expected."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")  # finds the package without importing it
    for root in (spec.submodule_search_locations or []) if spec else []:
        csv = Path(root) / "datasets" / "data" / "digits.csv.gz"
        if csv.is_file():
            table = np.loadtxt(csv, delimiter=",")
            return table[:, :-1], table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.data, bunch.target


def register(name: str, loader: Loader, **fields: Any) -> NamedDataset:
    """Register a dataset; ``loader(data_dir, download, mirror) -> (splits, classes, info)``."""
    return REGISTRY.add(name, NamedDataset(name=name, loader=loader, **fields))


def _idx_md5s(*md5s: str) -> dict[str, str]:
    return dict(zip(IDX_FILES, md5s, strict=True))


_DIGITS = [str(i) for i in range(10)]
_FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot"]  # fmt: skip
_KMNIST = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]

register(
    "mnist", _idx_loader("mnist", _DIGITS),
    description="MNIST handwritten digits, 60k/10k 28×28 grey (IDX)",
    url="https://ossci-datasets.s3.amazonaws.com/mnist/",
    files=_idx_md5s(
        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "d53e105ee54ea40749a09fcbcd1e9432",
        "9fb629c4189551a2d022fa330f9573f3",
        "ec29112dd5afa0611ce80d1b7f02629c",
    ),
)  # fmt: skip
register(
    "fashion-mnist", _idx_loader("fashion-mnist", _FASHION),
    description="Fashion-MNIST (Zalando), 60k/10k 28×28 grey, 10 clothing classes (IDX)",
    url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    files=_idx_md5s(
        "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "25c81989df183df01b3e8a0aad5dffbe",
        "bef4ecab320f06d8554ea6380940ec79",
        "bb300cfdad3c16e7a12a480ee83cd310",
    ),
)  # fmt: skip
register(
    "kmnist", _idx_loader("kmnist", _KMNIST),
    description="Kuzushiji-MNIST (ROIS-CODH), 60k/10k 28×28 grey, 10 cursive characters (IDX)",
    url="http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
    files=_idx_md5s(
        "bdb82020997e1d708af4cf47b453dcf7",
        "e144d726b3acfaa3e44228e80efcd344",
        "5c965bf0a639b31b8f53240b1b52f4d7",
        "7320c461ea6c1c855c0b718fb2a4b134",
    ),
)  # fmt: skip
register(
    "cifar10",
    _cifar_loader("cifar10", "cifar-10-python.tar.gz", "cifar-10-batches-py"),
    description="CIFAR-10, 50k/10k 32×32 RGB, 10 classes (python pickle)",
    url="https://www.cs.toronto.edu/~kriz/",
    files={"cifar-10-python.tar.gz": "c58f30108f718f92721af3b95e74349a"},
)
register(
    "cifar100",
    _cifar_loader("cifar100", "cifar-100-python.tar.gz", "cifar-100-python"),
    description="CIFAR-100, 50k/10k 32×32 RGB, 100 fine classes (python pickle)",
    url="https://www.cs.toronto.edu/~kriz/",
    files={"cifar-100-python.tar.gz": "eb9058c3a382ffc7106e4002c42a8d85"},
)
register(
    "digits", _digits, offline=True,
    description="scikit-learn's bundled 8×8 digits, 1,797 grey images (no files needed)",
    url="https://archive.ics.uci.edu/dataset/80",
)  # fmt: skip
