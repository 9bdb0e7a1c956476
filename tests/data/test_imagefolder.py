"""Image folders: modes, bad files, layout errors and the per-file cache."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from PIL import Image

from optarena.data import load


def _save(path, mode, color, size=(12, 10)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "insects"
    for i in range(6):
        _save(root / "bee" / f"b{i}.png", "RGB", (200, 10 * i, 0))
        _save(root / "wasp" / f"w{i}.jpg", "RGB", (0, 0, 200))
    _save(root / "bee" / "grey.png", "L", 77)
    _save(root / "bee" / "clear.png", "RGBA", (255, 0, 0, 0))  # fully transparent red → white
    _save(root / "wasp" / "print.jpg", "CMYK", (0, 255, 255, 0))  # CMYK red
    (root / "wasp" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 definitely not a jpeg")
    (root / "wasp" / "empty.png").write_bytes(b"")
    (root / "wasp" / "notes.txt").write_text("not an image")
    (root / "bee" / ".hidden.png").write_bytes(b"junk")
    (root / "README.md").write_text("ignored")
    return root


def test_folder_modes_skips_and_split(folder):
    with pytest.warns(UserWarning, match="skipped 2 unreadable or empty"):
        ds = load(folder, image_size=8, val_fraction=0.2, test_fraction=0.25)
    assert ds.classes == ["bee", "wasp"]
    assert ds.train.x.shape[1:] == (3, 8, 8) and ds.train.x.dtype == torch.uint8
    assert len(ds.train) + len(ds.val) + len(ds.test) == 15
    skipped = {s["path"]: s["reason"] for s in ds.info["skipped"]}
    assert skipped["wasp/empty.png"] == "empty file"
    assert "wasp/broken.jpg" in skipped and len(skipped) == 2
    assert ds.info["original_images"]["modes"] == {"CMYK": 1, "L": 1, "RGB": 12, "RGBA": 1}
    assert ds.info["original_images"]["width"] == [12, 12]
    pixels = {tuple(x[:, 0, 0].tolist()) for x in torch.cat([ds.train.x, ds.val.x, ds.test.x])}
    assert (77, 77, 77) in pixels  # grey replicated to RGB
    assert (255, 255, 255) in pixels  # transparent composited on white
    assert any(
        r > 200 and g < 40 and b < 40 for r, g, b in pixels if (r, g, b) != (200, 0, 0)
    )  # CMYK red


def test_grayscale_folder(folder):
    with pytest.warns(UserWarning):
        ds = load(folder, image_size=4, grayscale=True)
    assert ds.input_shape == (1, 4, 4)


def test_cache_reused_and_only_changed_files_redecoded(folder):
    with pytest.warns(UserWarning):
        first = load(folder, image_size=8)
    # 15 good files and the corrupt one are decoded (the empty file never is)
    assert first.info["decoded"] == 16 and first.info["cached"] == 0
    with pytest.warns(UserWarning):
        second = load(folder, image_size=8)
    assert second.info["decoded"] == 0 and second.info["cached"] == 16
    assert torch.equal(first.train.x, second.train.x)
    target = folder / "bee" / "b0.png"
    _save(target, "RGB", (1, 2, 3))
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with pytest.warns(UserWarning):
        third = load(folder, image_size=8)
    assert third.info["decoded"] == 1 and third.info["cached"] == 15
    with pytest.warns(UserWarning):
        other_size = load(folder, image_size=6)
    assert other_size.info["decoded"] == 16  # decode settings are part of the key


def test_split_folders_are_kept(tmp_path):
    for split, n in (("train", 4), ("val", 2), ("test", 3)):
        for cls in ("a", "b"):
            for i in range(n):
                _save(tmp_path / split / cls / f"{i}.png", "RGB", (i, 0, 0))
    ds = load(tmp_path, image_size=4)
    assert (len(ds.train), len(ds.val), len(ds.test)) == (8, 4, 6)
    assert ds.info["layout"] == "split folders" and ds.info["carved"] == []


def test_empty_class_and_single_class_are_errors(tmp_path):
    _save(tmp_path / "one" / "a" / "x.png", "RGB", (0, 0, 0))
    with pytest.raises(ValueError, match="at least two class folders"):
        load(tmp_path / "one")
    _save(tmp_path / "two" / "a" / "x.png", "RGB", (0, 0, 0))
    (tmp_path / "two" / "b").mkdir()
    (tmp_path / "two" / "b" / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match=r"class folder .*b has no image files"):
        load(tmp_path / "two")
    _save(tmp_path / "bad" / "a" / "x.png", "RGB", (0, 0, 0))
    (tmp_path / "bad" / "b").mkdir()
    (tmp_path / "bad" / "b" / "x.png").write_bytes(b"garbage")
    with pytest.raises(ValueError, match=r"no readable training images for classes \['b'\]"):
        load(tmp_path / "bad")


def test_parallel_decode_matches_serial(tmp_path):
    from optarena.data.decode import decode_many

    rng = np.random.default_rng(0)
    paths = []
    for i in range(70):
        path = tmp_path / f"{i}.png"
        Image.fromarray(rng.integers(0, 256, (9, 7, 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    serial = decode_many(paths, 5, False, workers=1)
    parallel = decode_many(paths, 5, False, workers=2)
    assert all(np.array_equal(a.array, b.array) for a, b in zip(serial, parallel, strict=True))
    assert serial[0].size == (7, 9) and serial[0].array.shape == (3, 5, 5)
