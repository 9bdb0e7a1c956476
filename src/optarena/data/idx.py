"""Reader for the IDX format of MNIST, Fashion-MNIST and KMNIST (``.gz`` or raw).

Format (http://yann.lecun.com/exdb/mnist/, "file formats"): two zero bytes, a type code, the
number of dimensions, then one big-endian int32 per dimension, then the data, row-major.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, gunzipped when it starts with the gzip magic (whatever its name)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ValueError(f"{path}: corrupt gzip data ({exc})") from None
    return raw


def parse_idx(data: bytes, source: str = "<bytes>") -> np.ndarray:
    """Parse IDX bytes into a native-endian array, validating magic, dimensions and length."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _TYPES:
        raise ValueError(f"{source}: not an IDX file (bad magic number {data[:4].hex()})")
    dtype = np.dtype(_TYPES[data[2]])
    ndim = data[3]
    if ndim == 0:
        raise ValueError(f"{source}: IDX file declares zero dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{source}: truncated IDX header")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(
            f"{source}: IDX header says shape {shape} ({expected} bytes) "
            f"but the file has {len(data)} bytes"
        )
    array = np.frombuffer(data, dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable, native-endian copy


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (``.gz`` or raw) into a numpy array."""
    return parse_idx(read_bytes(path), str(path))


def find_idx(folder: Path, filename: str) -> Path | None:
    """``filename`` (canonical ``.gz`` name) in ``folder``, gzipped or not; None if absent."""
    stem = filename[:-3] if filename.endswith(".gz") else filename
    for candidate in (stem + ".gz", stem, stem.replace("-idx", ".idx")):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def read_image_label_pair(images: Path, labels: Path) -> tuple[np.ndarray, np.ndarray]:
    """IDX images ``N×H×W`` (uint8) → ``N×1×H×W``, labels → int64 ``N``; checks they agree."""
    x = read_idx(images)
    y = read_idx(labels)
    if x.ndim != 3 or x.dtype != np.uint8:
        raise ValueError(f"{images}: expected uint8 images N×H×W, got {x.dtype} {x.shape}")
    if y.ndim != 1:
        raise ValueError(f"{labels}: expected a 1-D label file, got shape {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"{images} has {len(x)} images but {labels} has {len(y)} labels")
    return x[:, None, :, :], y.astype(np.int64)
