"""Issue 20: a full disk leaves nothing half-written, one ``error:`` line, and a rerun that
continues to the numbers of an undisturbed run.

Faults are injected in-process (serial executor) at the write calls: ``torch.save`` for
checkpoints, the store's row writes, ``Figure.savefig`` and text writes for reports. A real
full file system (a small tmpfs) is in ``test_full_filesystem.py``.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from optarena.store import Store

from .tiny_study import leftovers, study_args, study_numbers, study_states

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def _fail_on_call(n: int, real, exc: BaseException, partial: bytes = b"PK\x03\x04half"):
    """A stand-in for a writer ``real(obj, target, ...)`` whose ``n``-th call writes a few bytes
    to ``target`` (a path or an open file) and raises ``exc``; the other calls write."""
    calls = [0]

    def fake(obj, target, *args, **kwargs):
        calls[0] += 1
        if calls[0] != n:
            return real(obj, target, *args, **kwargs)
        if isinstance(target, (str, Path)):
            Path(target).write_bytes(partial)
        else:
            target.write(partial)
            target.flush()
        raise exc

    return fake, calls


def test_checkpoint_write_on_full_disk(cli, in_tmp, monkeypatch, reference):
    """The third checkpoint write (in the first trial's second epoch) fails: exit 2, one error
    line, no temporary file, no trial recorded failed; the rerun continues to the undisturbed
    numbers."""
    import torch

    nth = 3
    out = in_tmp / "out"
    fake, calls = _fail_on_call(nth, torch.save, ENOSPC)
    monkeypatch.setattr(torch, "save", fake)
    line = cli(*study_args(out)).one_error()
    assert calls[0] == nth
    assert "disk is full" in line and "run the command again" in line, line
    assert leftovers(in_tmp.parent) == []
    assert "failed" not in study_states(out)
    monkeypatch.undo()
    rerun = cli(*study_args(out))
    assert rerun.code == 0, rerun.err
    assert study_numbers(out) == reference
    assert leftovers(in_tmp.parent) == []


def test_store_write_on_full_disk(cli, in_tmp, monkeypatch, reference):
    """SQLite says "database or disk is full" while storing rows: the trial is not recorded
    failed, one error line, and the rerun reaches the undisturbed numbers."""
    out = in_tmp / "out"
    real = Store.log_metrics
    calls = [0]

    def full(self, trial_id, rows):
        calls[0] += 1
        if calls[0] == 3:
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, trial_id, rows)

    monkeypatch.setattr(Store, "log_metrics", full)
    line = cli(*study_args(out)).one_error()
    assert "disk is full" in line, line
    assert "failed" not in study_states(out)
    monkeypatch.undo()
    assert cli(*study_args(out)).code == 0
    assert study_numbers(out) == reference


def test_report_on_full_disk(cli, in_tmp, monkeypatch):
    """A figure's write fails: one error line, no truncated figure or page, no temporary
    file; the rerun writes the whole report."""
    from matplotlib.figure import Figure

    out, report = in_tmp / "out", in_tmp / "report"
    assert cli(*study_args(out)).code == 0
    before = {p for p in in_tmp.parent.rglob("*") if p.is_file()}
    fake, calls = _fail_on_call(2, Figure.savefig, ENOSPC, partial=b"<svg")
    monkeypatch.setattr(Figure, "savefig", fake)
    args = ("report", "default", "--store", out / "optarena.db", "--out", report, "--svg")
    line = cli(*args).one_error()
    assert "disk is full" in line, line
    written = {p for p in in_tmp.parent.rglob("*") if p.is_file()} - before
    assert leftovers(in_tmp.parent) == []
    for path in written:  # whatever is there is whole: no truncated figure
        data = path.read_bytes()
        assert data not in (b"<svg", b"PK\x03\x04half"), path
        if path.suffix == ".svg":
            assert data.rstrip().endswith(b"</svg>"), path
    assert not (report / "report.html").exists()
    monkeypatch.undo()
    assert cli(*args).code == 0
    assert (report / "report.html").is_file() and leftovers(in_tmp.parent) == []


def test_text_file_on_full_disk_keeps_the_old_file(tmp_path, monkeypatch):
    """``atomic.write_text`` on a full disk: the previous file is intact, no temporary left."""
    from optarena import atomic

    target = tmp_path / "report.md"
    target.write_text("old report\n")
    real = Path.write_text

    def half(self, text, *args, **kwargs):
        real(self, text[:3], *args, **kwargs)
        raise ENOSPC

    monkeypatch.setattr(Path, "write_text", half)
    with pytest.raises(OSError, match="No space"):
        atomic.write_text(target, "new report\n")
    monkeypatch.undo()
    assert target.read_text() == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_stale_temporary_of_a_killed_writer_is_swept(tmp_path):
    """A temporary left by ``kill -9`` mid-write (its pid is gone) goes at the next write;
    one of a live process stays."""
    from optarena import atomic

    target = tmp_path / "best.pt"
    dead = tmp_path / ".best.tmp999999999.pt"  # above any pid_max
    live = atomic.temp_name(target).with_name(f".best.tmp{1}.pt")  # pid 1 is alive
    dead.write_bytes(b"torn")
    live.write_bytes(b"busy")
    atomic.write_bytes(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert not dead.exists() and live.exists()


def test_decode_cache_on_full_disk_is_skipped_with_a_warning(tmp_path, monkeypatch):
    """The decoded-image cache is optional: a full disk only skips it (no temporary left)."""
    import numpy as np
    import torch

    from optarena.data import cache
    from optarena.data.decode import Decoded

    fake, calls = _fail_on_call(1, torch.save, ENOSPC)
    monkeypatch.setattr(torch, "save", fake)
    entries = {"a.png": Decoded(np.zeros((1, 4, 4), np.uint8), (4, 4), "L")}
    with pytest.warns(UserWarning, match="not cached"):
        cache.save_entries(tmp_path / "c" / "cache.pt", entries)
    assert calls[0] == 1 and list((tmp_path / "c").iterdir()) == []


def test_the_temporaries_of_a_killed_writer_are_removed(tmp_path):
    from optarena import atomic

    trial = tmp_path / "trials" / "abc"
    (trial / "sub").mkdir(parents=True)
    mine = [trial / ".last.tmp4242.pt", trial / "sub" / ".best.tmp4242.pt"]
    others = [trial / ".last.tmp777.pt", trial / "last.pt"]
    for path in mine + others:
        path.write_bytes(b"x")
    atomic.remove_temps_of(4242, trial)
    assert [p.exists() for p in mine] == [False, False]
    assert [p.exists() for p in others] == [True, True]
