"""IDX, .npz and mnist.json.gz readers on small files written by the tests."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import torch

from optarena.data import load
from optarena.data.idx import read_idx
from optarena.data.jsongz import read_jsongz
from optarena.data.npz import read_npz


@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
@pytest.mark.parametrize("gz", [True, False])
def test_idx_round_trip_every_type(tmp_path, idx_bytes, dtype, gz):
    array = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    if dtype == "u1":
        array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    data = idx_bytes(array)
    path = tmp_path / ("a.idx.gz" if gz else "a.idx")
    path.write_bytes(gzip.compress(data) if gz else data)
    got = read_idx(path)
    assert got.shape == (2, 3, 4)
    np.testing.assert_array_equal(got, array.astype(array.dtype.newbyteorder("=")))
    assert got.flags.writeable


def test_idx_rejects_bad_magic_and_wrong_length(tmp_path, idx_bytes):
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(idx_bytes(np.zeros((4, 2, 2), np.uint8))[:-3])
    with pytest.raises(ValueError, match=r"shape \(4, 2, 2\)"):
        read_idx(short)
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(idx_bytes(np.zeros(10, np.uint8)))[:-6])
    with pytest.raises(ValueError, match="corrupt gzip"):
        read_idx(broken)


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_named_from_data_dir_gz_and_raw(tmp_path, write_mnist_like, gz):
    arrays = write_mnist_like(tmp_path / "m", gz=gz)
    ds = load("mnist", data_dir=tmp_path / "m", val_fraction=0.2)
    assert ds.classes == [str(i) for i in range(10)]
    assert (len(ds.train), len(ds.val), len(ds.test)) == (24, 6, 10)
    assert ds.train.x.shape[1:] == (1, 28, 28) and ds.train.x.dtype == torch.uint8
    np.testing.assert_array_equal(ds.test.x[:, 0].numpy(), arrays["t10k-images-idx3-ubyte"])
    # train + val is exactly the training file, rows matched through their pixels
    rows = {bytes(r) for r in arrays["train-images-idx3-ubyte"].reshape(30, -1)}
    got = torch.cat([ds.train.x, ds.val.x]).reshape(30, -1).numpy()
    assert {bytes(r) for r in got} == rows
    # an IDX folder given as a path is read too
    assert len(load(tmp_path / "m").test) == 10


def test_missing_files_name_them_and_suggest_download(tmp_path, write_mnist_like):
    write_mnist_like(tmp_path / "m")
    (tmp_path / "m" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing t10k-labels-idx1-ubyte\.gz.*--download"):
        load("mnist", data_dir=tmp_path / "m")


def test_unknown_name_suggests_close_match():
    with pytest.raises(ValueError, match="did you mean 'mnist'"):
        load("mnsit")


def test_npz_images_nhwc_and_float_and_classes(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (40, 5, 6, 3), dtype=np.uint8)  # N×H×W×C
    y = np.repeat([0, 1], 20)
    np.savez(tmp_path / "imgs.npz", x=x, y=y, classes=np.array(["cat", "dog"]))
    ds = load(tmp_path / "imgs.npz", val_fraction=0.25, test_fraction=0.25)
    assert ds.classes == ["cat", "dog"]
    assert ds.train.x.shape[1:] == (3, 5, 6)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (22, 8, 10)
    all_x = torch.cat([ds.train.x, ds.val.x, ds.test.x]).permute(0, 2, 3, 1).reshape(40, -1)
    assert sorted(map(bytes, all_x.numpy())) == sorted(map(bytes, x.reshape(40, -1)))
    floats = rng.random((10, 4, 4))
    np.savez(tmp_path / "f.npz", x_train=floats, y_train=np.arange(10) % 2)
    splits, classes = read_npz(tmp_path / "f.npz")
    assert classes is None
    np.testing.assert_array_equal(splits["train"][0][:, 0], np.rint(floats * 255).astype(np.uint8))


def test_npz_tabular_and_errors(tmp_path):
    x = np.arange(60, dtype=np.float64).reshape(20, 3)
    np.savez(tmp_path / "t.npz", x=x, y=np.arange(20) % 2)
    ds = load(tmp_path / "t.npz")
    assert ds.train.x.dtype == torch.float32 and ds.input_shape == (3,)
    np.savez(tmp_path / "bad.npz", a=x)
    with pytest.raises(ValueError, match="needs arrays 'x' and 'y'"):
        load(tmp_path / "bad.npz")
    np.savez(tmp_path / "neg.npz", x=x, y=-np.ones(20, dtype=int))
    with pytest.raises(ValueError, match="non-negative"):
        load(tmp_path / "neg.npz")
    np.savez(tmp_path / "len.npz", x=x, y=np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="20 rows"):
        load(tmp_path / "len.npz")


def _json_gz(path, splits):
    path.write_bytes(gzip.compress(json.dumps(splits).encode()))


@pytest.mark.parametrize("signed", [True, False])
def test_json_gz_mnist_layout_both_ranges(tmp_path, signed):
    rng = np.random.default_rng(2)
    pixels = rng.integers(0, 256, (3, 6, 784))
    scaled = pixels / 255.0 * 2 - 1 if signed else pixels / 255.0
    labels = rng.integers(0, 10, (3, 6))
    _json_gz(
        tmp_path / "mnist.json.gz",
        [[s.tolist(), lab.tolist()] for s, lab in zip(scaled, labels, strict=True)],
    )
    ds = load(tmp_path / "mnist.json.gz")
    assert ds.info["carved"] == []
    for split, px, lab in zip((ds.train, ds.val, ds.test), pixels, labels, strict=True):
        assert split.x.shape == (6, 1, 28, 28) and split.x.dtype == torch.uint8
        np.testing.assert_array_equal(split.x.reshape(6, -1).numpy(), px)
        np.testing.assert_array_equal(split.y.numpy(), lab)


def test_json_gz_unknown_width_stays_float_and_errors(tmp_path):
    _json_gz(tmp_path / "f.json.gz", [[[[0.5, 0.25, 2.0]] * 2, [0, 1]]] * 3)
    splits = read_jsongz(tmp_path / "f.json.gz")
    assert splits["train"][0].dtype == np.float32 and splits["train"][0].shape == (2, 3)
    _json_gz(tmp_path / "two.json.gz", [[[], []]] * 2)
    with pytest.raises(ValueError, match=r"\[train, val, test\]"):
        read_jsongz(tmp_path / "two.json.gz")
    _json_gz(tmp_path / "range.json.gz", [[[[3.0] * 784], [0]]] * 3)
    with pytest.raises(ValueError, match="must lie in"):
        read_jsongz(tmp_path / "range.json.gz")
    (tmp_path / "junk.json.gz").write_bytes(b"\x1f\x8bnot gzip")
    with pytest.raises(ValueError, match="not a readable JSON"):
        read_jsongz(tmp_path / "junk.json.gz")
