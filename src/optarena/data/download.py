"""HTTP(S) downloads that resume (``Range`` + ``.part`` files), show progress and verify.

A finished download is checked against its MD5 / SHA-256; a mismatch deletes the file and
raises, so a corrupt file is never read. ``OPTARENA_DATA_MIRROR`` (or ``mirror=``) replaces the
canonical base URL by ``<mirror>/<dataset name>/``.
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

MIRROR_ENV = "OPTARENA_DATA_MIRROR"
CHUNK = 1 << 16


def base_url(canonical: str, dataset: str, mirror: str | None = None) -> str:
    """The base URL to fetch ``dataset``'s files from (mirror argument > env var > canonical)."""
    mirror = mirror or os.environ.get(MIRROR_ENV)
    base = f"{mirror.rstrip('/')}/{dataset}/" if mirror else canonical
    return base if base.endswith("/") else base + "/"


def file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, *, md5: str | None = None, sha256: str | None = None) -> str | None:
    """None when the file matches every given checksum, else a description of the mismatch."""
    for algorithm, expected in (("md5", md5), ("sha256", sha256)):
        if expected:
            got = file_digest(path, algorithm)
            if got.lower() != expected.lower():
                return f"{algorithm} {got}, expected {expected}"
    return None


def _progress(total: int | None, done: int, label: str, enabled: bool):
    from rich import progress as rp

    bar = rp.Progress(
        rp.TextColumn("{task.description}"), rp.BarColumn(), rp.DownloadColumn(),
        rp.TransferSpeedColumn(), rp.TimeRemainingColumn(), transient=True, disable=not enabled,
    )  # fmt: skip
    return bar, bar.add_task(label, total=total, completed=done)


def fetch(
    url: str,
    dest: str | Path,
    *,
    md5: str | None = None,
    sha256: str | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``dest`` (resuming ``dest.part``), verify it, and return ``dest``."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"only http(s) downloads are supported, got {url!r}")
    dest = Path(dest)
    if dest.is_file() and verify(dest, md5=md5, sha256=sha256) is None:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    done = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "optarena"})
    if done:
        request.add_header("Range", f"bytes={done}-")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if done and response.status != 206:  # the server ignored Range: start over
                done = 0
            length = response.headers.get("Content-Length")
            total = done + int(length) if length is not None else None
            bar, task = _progress(total, done, dest.name, progress)
            with bar, part.open("ab" if done else "wb") as out:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    bar.advance(task, len(block))
    except urllib.error.HTTPError as exc:
        if not (exc.code == 416 and done):  # 416: the .part file is already complete
            raise OSError(f"download of {url} failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise OSError(f"download of {url} failed ({exc}); run again to resume") from None
    mismatch = verify(part, md5=md5, sha256=sha256)
    if mismatch is not None:
        part.unlink(missing_ok=True)
        dest.unlink(missing_ok=True)
        raise ValueError(
            f"checksum mismatch for {dest.name} from {url}: got {mismatch}; "
            "the corrupt file was deleted, run the download again"
        )
    os.replace(part, dest)
    return dest
