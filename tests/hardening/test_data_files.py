"""Issue 20, data: a decompression bomb is skipped and counted, huge images have a pixel limit,
absurd labels and NaN pixels are refused, an .npz whose header lies is one error line."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PIL")
from PIL import Image  # noqa: E402


def png_declaring(path: Path, width: int, height: int) -> None:
    """A tiny PNG whose header declares ``width × height`` (its data is a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "imgs"
    for cls, shade in (("a", 30), ("b", 220)):
        (root / cls).mkdir(parents=True)
        for i in range(4):
            Image.new("L", (12, 12), shade + i).save(root / cls / f"{i}.png")
    return root


def test_a_decompression_bomb_is_skipped_and_counted(folder, tmp_path, monkeypatch):
    from optarena.data import load

    monkeypatch.setenv("OPTARENA_CACHE", str(tmp_path / "cache"))
    png_declaring(folder / "a" / "bomb.png", 30000, 30000)
    assert (folder / "a" / "bomb.png").stat().st_size < 100
    with pytest.warns(UserWarning, match="skipped 1"):
        ds = load(folder, image_size=8)
    (skip,) = ds.info["skipped"]
    assert skip["path"].endswith("bomb.png") and "large" in skip["reason"]
    assert len(ds.train) + len(ds.val) + len(ds.test) == 8


def test_data_inspect_counts_the_bomb(cli, folder, tmp_path, monkeypatch):
    monkeypatch.setenv("OPTARENA_CACHE", str(tmp_path / "cache"))
    png_declaring(folder / "b" / "bomb.png", 30000, 30000)
    result = cli("data", "inspect", str(folder), "--format", "json")
    assert result.code == 0, result.err
    assert "bomb.png" in result.out


def test_images_over_the_pixel_limit_are_skipped_before_decoding(tmp_path, monkeypatch):
    from optarena.data import decode

    Image.new("RGB", (300, 200)).save(tmp_path / "big.png")
    monkeypatch.setattr(decode, "MAX_PIXELS", 300 * 200 - 1)
    result = decode.decode_file(str(tmp_path / "big.png"), 8, False)
    assert result.array is None and "large" in str(result.error)
    monkeypatch.setattr(decode, "MAX_PIXELS", 300 * 200)
    assert decode.decode_file(str(tmp_path / "big.png"), 8, False).array is not None


def test_a_label_far_beyond_the_examples_is_refused(tmp_path):
    from optarena.data import load

    x = np.zeros((4, 3), np.float32)
    # 10**6 is far enough beyond 4 examples; 10**9 (the report's case) would, without the
    # check, take gigabytes before failing
    np.savez(tmp_path / "d.npz", x=x, y=np.array([0, 1, 0, 10**6]))
    with pytest.raises(ValueError, match="label"):
        load(tmp_path / "d.npz")
    np.savez(tmp_path / "ok.npz", x=np.zeros((20, 3), np.float32), y=np.arange(20) % 7)
    assert len(load(tmp_path / "ok.npz").classes) == 7


@pytest.mark.parametrize("shape", [(6, 4, 4), (6, 3)])
def test_nan_values_are_refused(tmp_path, shape):
    from optarena.data import load

    x = np.random.default_rng(0).random(shape).astype(np.float32)
    x[2].flat[0] = np.nan
    np.savez(tmp_path / "d.npz", x=x, y=np.arange(6) % 2)
    with pytest.raises(ValueError, match="NaN|finite"):
        load(tmp_path / "d.npz")


def test_an_npz_whose_header_lies_is_one_error_line(cli, tmp_path):
    np.savez(tmp_path / "d.npz", x=np.zeros((50, 8), np.float32), y=np.zeros(50, np.int64))
    raw = bytearray((tmp_path / "d.npz").read_bytes())
    at = raw.find(b"(50, 8)")
    raw[at : at + 7] = b"(90, 8)"  # the header claims more rows than the data holds
    (tmp_path / "d.npz").write_bytes(bytes(raw))
    cli("data", "inspect", str(tmp_path / "d.npz")).one_error()
