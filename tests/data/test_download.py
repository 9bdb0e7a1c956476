"""Downloads against a loopback HTTP server: verified success, resume, corrupt file rejected."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib

import pytest

from optarena.data import download, load
from optarena.data.download import base_url, fetch
from optarena.data.named import REGISTRY


def test_fetch_verifies_and_resumes_a_partial_file(http_root, tmp_path):
    served, url, log = http_root
    payload = bytes(range(256)) * 1000
    (served / "blob.bin").write_bytes(payload)
    md5 = hashlib.md5(payload).hexdigest()
    sha = hashlib.sha256(payload).hexdigest()
    dest = tmp_path / "out" / "blob.bin"
    dest.parent.mkdir()
    (dest.parent / "blob.bin.part").write_bytes(payload[:100_000])
    fetch(f"{url}/blob.bin", dest, md5=md5, sha256=sha, progress=False)
    assert dest.read_bytes() == payload
    assert log[-1]["range"] == "bytes=100000-"
    assert not (dest.parent / "blob.bin.part").exists()
    fetch(f"{url}/blob.bin", dest, md5=md5, progress=False)  # already there: no request
    assert len(log) == 1


def test_fetch_rejects_a_corrupt_download_and_deletes_it(http_root, tmp_path):
    served, url, _ = http_root
    (served / "blob.bin").write_bytes(b"tampered bytes")
    dest = tmp_path / "blob.bin"
    with pytest.raises(ValueError, match="checksum mismatch.*deleted"):
        fetch(
            f"{url}/blob.bin", dest, md5=hashlib.md5(b"the real bytes").hexdigest(), progress=False
        )
    assert not dest.exists() and not (tmp_path / "blob.bin.part").exists()


def test_fetch_errors(http_root, tmp_path):
    _, url, _ = http_root
    with pytest.raises(OSError, match="HTTP 404"):
        fetch(f"{url}/nope.bin", tmp_path / "x", progress=False)
    with pytest.raises(ValueError, match="only http"):
        fetch("file:///etc/passwd", tmp_path / "x")


def test_mirror_resolution(monkeypatch):
    assert base_url("https://a.org/x", "mnist") == "https://a.org/x/"
    assert (
        base_url("https://a.org/x/", "mnist", "http://127.0.0.1:1/m")
        == "http://127.0.0.1:1/m/mnist/"
    )
    monkeypatch.setenv("OPTARENA_DATA_MIRROR", "http://127.0.0.1:2/")
    assert base_url("https://a.org/x/", "kmnist") == "http://127.0.0.1:2/kmnist/"


@pytest.fixture
def mnist_with_local_checksums(write_mnist_like, http_root, tmp_path, monkeypatch):
    """Serve a small MNIST-like set under <mirror>/mnist/ and register its MD5s for the test."""
    served, url, log = http_root
    write_mnist_like(served / "mnist")
    spec = REGISTRY.get("mnist")
    md5s = {
        name: hashlib.md5((served / "mnist" / name).read_bytes()).hexdigest() for name in spec.files
    }
    REGISTRY.add("mnist", dataclasses.replace(spec, files=md5s), overwrite=True)
    monkeypatch.setenv("OPTARENA_DATA_MIRROR", url)
    yield served, log
    REGISTRY.add("mnist", spec, overwrite=True)


def test_load_with_download_end_to_end(mnist_with_local_checksums, tmp_path):
    served, log = mnist_with_local_checksums
    ds = load("mnist", data_dir=tmp_path / "d", download=True)
    assert len(ds.test) == 10 and len(ds.train) + len(ds.val) == 30
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(REGISTRY.get("mnist").files)
    assert {entry["path"] for entry in log} == {f"/mnist/{n}" for n in REGISTRY.get("mnist").files}
    load("mnist", data_dir=tmp_path / "d", download=True)  # present: nothing fetched again
    assert len(log) == 4


def test_named_download_rejects_wrong_checksum(write_mnist_like, http_root, tmp_path, monkeypatch):
    served, url, _ = http_root
    write_mnist_like(served / "mnist")  # not the canonical bytes, so the canonical MD5s fail
    with pytest.raises(ValueError, match="checksum mismatch for train-images-idx3-ubyte.gz"):
        download("mnist", tmp_path / "d", mirror=url)
    assert not any((tmp_path / "d").glob("train-images*"))


def test_named_download_fills_the_default_cache(mnist_with_local_checksums, cache_dir):
    folder = download("mnist")
    assert folder == cache_dir / "datasets" / "mnist"
    assert (
        gzip.decompress((folder / "t10k-labels-idx1-ubyte.gz").read_bytes())[:4]
        == b"\x00\x00\x08\x01"
    )
    assert len(load("mnist").test) == 10
