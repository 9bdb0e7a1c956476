"""CIFAR-10 / CIFAR-100 python-pickle folders and archives written by the tests."""

from __future__ import annotations

import io
import pickle
import tarfile

import numpy as np
import pytest

from optarena.data import load
from optarena.data.cifar import read_cifar


def _batch(n, seed, key=b"labels", classes=10):
    rng = np.random.default_rng(seed)
    return {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            key: rng.integers(0, classes, n).tolist()}  # fmt: skip


def _write_cifar10(folder):
    folder.mkdir(parents=True)
    batches = {
        "data_batch_1": _batch(6, 0),
        "data_batch_2": _batch(4, 1),
        "test_batch": _batch(5, 2),
    }
    for name, batch in batches.items():
        (folder / name).write_bytes(pickle.dumps(batch))
    names = [f"c{i}".encode() for i in range(10)]
    (folder / "batches.meta").write_bytes(pickle.dumps({b"label_names": names}))
    return batches


def test_cifar10_folder_parent_and_pixel_layout(tmp_path):
    batches = _write_cifar10(tmp_path / "cifar-10-batches-py")
    splits, classes = read_cifar(tmp_path)  # the parent folder is accepted
    assert classes == [f"c{i}" for i in range(10)]
    x, y = splits["train"]
    assert x.shape == (10, 3, 32, 32)
    first = batches["data_batch_1"][b"data"][0]
    # red plane first, row-major 32×32, as the CIFAR page describes
    np.testing.assert_array_equal(x[0, 0].reshape(-1), first[:1024])
    np.testing.assert_array_equal(x[0, 2].reshape(-1), first[2048:])
    np.testing.assert_array_equal(
        y, batches["data_batch_1"][b"labels"] + batches["data_batch_2"][b"labels"]
    )
    ds = load("cifar10", data_dir=tmp_path / "cifar-10-batches-py", val_fraction=0.2)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (8, 2, 5)


def test_cifar100_archive(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, obj in {
            "cifar-100-python/train": _batch(7, 3, b"fine_labels", 100),
            "cifar-100-python/test": _batch(3, 4, b"fine_labels", 100),
            "cifar-100-python/meta": {b"fine_label_names": [f"f{i}".encode() for i in range(100)]},
        }.items():
            data = pickle.dumps(obj)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "cifar-100-python.tar.gz"
    archive.write_bytes(buffer.getvalue())
    ds = load("cifar100", data_dir=tmp_path, val_fraction=0.0)
    assert ds.num_classes == 100 and (len(ds.train), len(ds.test)) == (7, 3)
    assert load(archive).num_classes == 100  # an archive path works too


def test_cifar_refuses_foreign_pickles_and_bad_shapes(tmp_path):
    folder = tmp_path / "c"
    _write_cifar10(folder)
    (folder / "test_batch").write_bytes(pickle.dumps({b"data": print, b"labels": []}))
    with pytest.raises(ValueError, match="refusing to load builtins.print"):
        read_cifar(folder)
    (folder / "test_batch").write_bytes(
        pickle.dumps({b"data": np.zeros((2, 10), np.uint8), b"labels": [0, 1]})
    )
    with pytest.raises(ValueError, match="N×3072"):
        read_cifar(folder)
    (folder / "test_batch").unlink()
    with pytest.raises(FileNotFoundError, match="test_batch"):
        read_cifar(folder)


def test_cifar10_missing_suggests_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="cifar-10-python.tar.gz.*--download"):
        load("cifar10", data_dir=tmp_path)
