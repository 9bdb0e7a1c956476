"""Where Ray trials keep their checkpoints when nodes share no disk.

Two places, both reachable from every node:

- ``storage`` (``--storage PATH_OR_URI``): a path or URI that pyarrow's file systems open (a
  local or NFS path, ``s3://``, ``gs://``, ``hdfs://``; https://arrow.apache.org/docs/python/
  filesystems.html), as Ray's own ``storage_path``. A node uploads its trial's checkpoints to
  ``STORAGE/trials/<trial_id>/`` itself; ``last.pt`` goes first to a staged name and the driver
  renames it once it has recorded that epoch's metric rows, so a resumed trial never lacks rows.
- otherwise the object store: a node sends each new checkpoint's bytes back to the driver with
  the trial's rows, and the driver keeps them in its ``OUT/trials/<trial_id>/`` (the same
  layout as the ``local`` executor); a trial resubmitted after its node died, or rerun after
  the driver was killed, starts from those bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from optarena import atomic
from optarena.train.checkpoint import BEST, LAST


def _fs(uri: str) -> tuple[Any, str]:
    try:
        from pyarrow import fs
    except ImportError:
        raise ValueError("--storage needs pyarrow: pip install 'optarena[ray]'") from None
    try:
        return fs.FileSystem.from_uri(uri if "://" in uri else os.path.abspath(uri))
    except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for bad URIs
        raise ValueError(f"cannot open checkpoint storage {uri!r}: {exc}") from None


class StorageCheckpoints:
    """Checkpoints under ``STORAGE/trials/<trial_id>/`` (used on nodes and by the driver)."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self._fs, self._root = _fs(uri)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (StorageCheckpoints, (self.uri,))

    def _path(self, trial_id: str, name: str) -> str:
        return f"{self._root.rstrip('/')}/trials/{trial_id}/{name}"

    def uri_of(self, trial_id: str, name: str) -> str:
        return f"{self.uri.rstrip('/')}/trials/{trial_id}/{name}"

    def check(self) -> None:
        """Fail early (``ValueError``) when the storage cannot be written."""
        probe = self._path("_probe", "write-test")
        try:
            self._fs.create_dir(probe.rsplit("/", 1)[0], recursive=True)
            with self._fs.open_output_stream(probe) as stream:
                stream.write(b"ok")
            self._fs.delete_file(probe)
        except Exception as exc:
            raise ValueError(f"cannot write to checkpoint storage {self.uri!r}: {exc}") from None

    def upload(
        self, trial_id: str, name: str, local: Path, *, staged_as: str | None = None
    ) -> None:
        """Copy ``local`` to the trial's ``name`` (or ``staged_as``) via a temporary name."""
        target = self._path(trial_id, staged_as or name)
        tmp = f"{target}.tmp{os.getpid()}"
        self._fs.create_dir(target.rsplit("/", 1)[0], recursive=True)
        with self._fs.open_output_stream(tmp) as stream:
            stream.write(local.read_bytes())
        self._fs.move(tmp, target)

    def sweep(self, trial_id: str) -> None:
        """Delete the trial's upload temporaries (``NAME.tmpPID``): called once the trial has
        ended, when every one left is from an attempt that was killed mid-upload (its driver
        or node died)."""
        from pyarrow import fs

        folder = self._path(trial_id, "").rstrip("/")
        try:
            found = self._fs.get_file_info(fs.FileSelector(folder, allow_not_found=True))
        except OSError:
            return
        for info in found:
            stem, mark, pid = info.base_name.rpartition(".tmp")
            if info.type == fs.FileType.File and stem and mark and pid.isdigit():
                try:
                    self._fs.delete_file(info.path)
                except OSError:
                    pass

    def commit(self, trial_id: str, staged: str, name: str) -> None:
        """Rename a staged checkpoint to ``name`` (driver side, after the rows are stored)."""
        self._fs.move(self._path(trial_id, staged), self._path(trial_id, name))

    def download(self, trial_id: str, target_dir: Path) -> list[str]:
        """Copy the trial's ``last.pt``/``best.pt`` (those that exist) into ``target_dir``."""
        from pyarrow import fs

        got = []
        for name in (LAST, BEST):
            path = self._path(trial_id, name)
            if self._fs.get_file_info(path).type != fs.FileType.File:
                continue
            with self._fs.open_input_stream(path) as stream:
                (target_dir / name).write_bytes(stream.read())
            got.append(name)
        return got


class DriverCheckpoints:
    """Checkpoint bytes kept by the driver in ``OUT/trials/<trial_id>/`` (no shared storage)."""

    def __init__(self, out: Path | str) -> None:
        self.out = Path(out)

    def path(self, trial_id: str, name: str) -> Path:
        return self.out / "trials" / trial_id / name

    def save(self, trial_id: str, name: str, data: bytes) -> None:
        """Write ``data`` atomically (a kill mid-write leaves the previous file)."""
        path = self.path(trial_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, data)

    def resume_files(self, trial_id: str) -> dict[str, bytes]:
        """``{"last.pt": bytes, "best.pt": bytes}`` of what the driver holds for the trial."""
        return {
            name: self.path(trial_id, name).read_bytes()
            for name in (LAST, BEST)
            if self.path(trial_id, name).is_file()
        }
