"""Fixtures for the data tests: a private cache folder, file writers and a loopback HTTP server."""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def cache_dir(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own ``$OPTARENA_CACHE`` and no download mirror from the environment."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("OPTARENA_CACHE", str(folder))
    monkeypatch.delenv("OPTARENA_DATA_MIRROR", raising=False)
    return folder


def _idx_bytes(array: np.ndarray) -> bytes:
    codes = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype(">i2"): 0x0B,
             np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}  # fmt: skip
    big = array.astype(array.dtype.newbyteorder(">")) if array.dtype.itemsize > 1 else array
    header = bytes([0, 0, codes[big.dtype], array.ndim])
    header += np.asarray(array.shape, dtype=">u4").tobytes()
    return header + big.tobytes()


@pytest.fixture
def idx_bytes() -> Callable[[np.ndarray], bytes]:
    """Encode an array in the IDX format (written out here from the format description)."""
    return _idx_bytes


@pytest.fixture
def write_mnist_like() -> Callable[..., dict[str, bytes]]:
    """Write the four canonical MNIST files (gz or raw) of a small random set into a folder."""

    def write(folder: Path, *, n_train=30, n_test=10, gz=True, seed=0) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(seed)
        arrays = {
            "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            "train-labels-idx1-ubyte": (np.arange(n_train) % 10).astype(np.uint8),
            "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "t10k-labels-idx1-ubyte": (np.arange(n_test) % 10).astype(np.uint8),
        }
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in arrays.items():
            data = _idx_bytes(array)
            if gz:
                (folder / f"{name}.gz").write_bytes(gzip.compress(data))
            else:
                (folder / name).write_bytes(data)
        return arrays

    return write


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files from ``directory`` and honours ``Range: bytes=N-`` (206 responses)."""

    log: list[dict] = []

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = Path(self.translate_path(self.path))
        type(self).log.append({"path": self.path, "range": self.headers.get("Range")})
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        start = 0
        spec = self.headers.get("Range")
        if spec and spec.startswith("bytes="):
            start = int(spec[6:].split("-")[0])
            if start >= len(data):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        self.wfile.write(data[start:])


@pytest.fixture
def http_root(tmp_path) -> Iterator[tuple[Path, str, list[dict]]]:
    """``(folder, base_url, request_log)`` of an HTTP server on 127.0.0.1 (OS-chosen port)."""
    folder = tmp_path / "served"
    folder.mkdir()
    log: list[dict] = []
    handler = type("Handler", (_RangeHandler,), {"log": log})

    def factory(*args, **kwargs):
        return handler(*args, directory=str(folder), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def cli() -> Callable[[list[str]], None]:
    """Run ``optarena.cli.main(argv)`` and require a successful exit."""
    from optarena.cli import main

    def run(argv: list[str]) -> None:
        try:
            main(argv)
        except SystemExit as exc:
            assert exc.code in (0, None), f"exit code {exc.code}"

    return run
