"""The readers on the real files in ../shared/data (skipped when that folder is absent)."""

from __future__ import annotations

import gzip
import hashlib
import json

import numpy as np
import pytest

from optarena.data import load
from optarena.data.idx import read_image_label_pair

# Canonical MD5s of the *uncompressed* files (as published with the datasets).
CANONICAL = {
    "mnist": ("6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624",
              "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"),
    "fashion_mnist": ("f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9",
                      "8181f5470baa50b63fa0f6fddb340f0a", "15d484375f8d13e6eb1aabb0c3f46965"),
}  # fmt: skip
FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")  # fmt: skip


@pytest.mark.parametrize("folder", ["mnist", "fashion_mnist"])
def test_idx_readers_match_canonical_bytes(shared_data, folder):
    root = shared_data / folder
    raw = [gzip.decompress((root / f).read_bytes()) for f in FILES]
    assert [hashlib.md5(r).hexdigest() for r in raw] == list(CANONICAL[folder])
    for (images, labels), n in (((0, 1), 60_000), ((2, 3), 10_000)):
        x, y = read_image_label_pair(root / FILES[images], root / FILES[labels])
        assert x.shape == (n, 1, 28, 28) and x.dtype == np.uint8 and y.shape == (n,)
        # the arrays are exactly the file payloads after the 16- and 8-byte headers
        assert x.tobytes() == raw[images][16:]
        np.testing.assert_array_equal(y, np.frombuffer(raw[labels], np.uint8, offset=8))
    name = {"mnist": "mnist", "fashion_mnist": "fashion-mnist"}[folder]
    ds = load(name, data_dir=root)
    assert (len(ds.train) + len(ds.val), len(ds.test)) == (60_000, 10_000)


def test_cifar_subset(shared_data):
    ds = load("cifar10", data_dir=shared_data / "cifar10_subset", val_fraction=0.0)
    assert (len(ds.train), len(ds.test)) == (4_000, 1_000)
    assert ds.train.y[:4].tolist() == [6, 9, 9, 4] and ds.test.y[:4].tolist() == [3, 8, 8, 0]
    assert ds.classes[0] == "airplane" and ds.input_shape == (3, 32, 32)
    assert (
        load("cifar10", data_dir=shared_data / "cifar10_subset" / "cifar-10-batches-py").num_classes
        == 10
    )


@pytest.fixture(scope="module")
def bee_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("bee-cache")


@pytest.mark.slow
def test_bee_wasp_folder(shared_data, bee_cache, monkeypatch):
    monkeypatch.setenv("OPTARENA_CACHE", str(bee_cache))
    ds = load(shared_data / "bee_wasp", image_size=32, val_fraction=0.0)
    assert ds.classes == ["bee", "wasp"]
    assert (len(ds.train), len(ds.test)) == (3_677, 918)
    assert np.bincount(ds.train.y.numpy()).tolist() == [1_976, 1_701]
    assert np.bincount(ds.test.y.numpy()).tolist() == [493, 425]
    assert ds.info["skipped"] == []


@pytest.mark.slow
def test_cli_inspect_bee_wasp_json(cli, shared_data, bee_cache, monkeypatch, capsys):
    monkeypatch.setenv("OPTARENA_CACHE", str(bee_cache))  # re-uses the decode of the test above
    cli(
        ["data", "inspect", str(shared_data / "bee_wasp"), "--image-size", "32", "--format", "json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert report["classes"] == ["bee", "wasp"]
    assert report["splits"]["test"] == 918
    assert report["splits"]["train"] + report["splits"]["val"] == 3_677
    assert report["per_class"]["test"] == {"bee": 493, "wasp": 425}
