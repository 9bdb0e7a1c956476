"""Checkpoint storage for Ray trials without a shared disk: what a killed upload leaves is
swept once the trial has ended (pyarrow's local file system; skipped without pyarrow)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

from optarena.study.executors.ray_checkpoints import StorageCheckpoints  # noqa: E402


def test_sweep_removes_only_upload_temporaries(tmp_path: Path) -> None:
    storage = StorageCheckpoints(str(tmp_path))
    folder = tmp_path / "trials" / "abc123"
    folder.mkdir(parents=True)
    names = ["best.pt", "last.pt", "last.pt.epoch2", "last.pt.epoch1.tmp27109",
             "best.pt.tmp4", "notes.tmpx", "tmp12"]  # fmt: skip
    for name in names:
        (folder / name).write_bytes(b"x")
    (tmp_path / "trials" / "other").mkdir()
    (tmp_path / "trials" / "other" / "last.pt.tmp9").write_bytes(b"x")
    storage.sweep("abc123")
    assert sorted(p.name for p in folder.iterdir()) == [
        "best.pt", "last.pt", "last.pt.epoch2", "notes.tmpx", "tmp12"
    ]  # fmt: skip
    assert (tmp_path / "trials" / "other" / "last.pt.tmp9").exists()  # another trial's
    storage.sweep("never-ran")  # no folder: nothing to do
