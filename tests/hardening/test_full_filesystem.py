"""Issue 20: a really full and a really read-only file system under ``--out`` (a small tmpfs).

Mounting needs root and CAP_SYS_ADMIN; where the sandbox refuses, these tests skip. The
in-process fault injections of ``test_disk_full.py`` cover the same paths everywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from optarena.store import Store

from .tiny_study import leftovers, study_args, study_numbers


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=20)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """``make(options)`` mounts a tmpfs with ``options`` (e.g. ``size=400k``) and returns it;
    every mount is undone afterwards."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted: list[Path] = []

    def make(options: str) -> Path:
        where = tmp_path / f"fs{len(mounted)}"
        where.mkdir()
        done = _mount("-t", "tmpfs", "-o", options, "tmpfs", str(where))
        if done.returncode != 0:
            pytest.skip(f"this sandbox cannot mount a tmpfs: {done.stderr.strip()}")
        mounted.append(where)
        return where

    yield make
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20)


def test_full_filesystem_with_worker_processes(cli, in_tmp, tmpfs, reference):
    """``compare`` (local executor: worker processes) on a 400 KB file system: one error
    line, nothing half-written, no trial failed; after growing it, the rerun finishes with the
    numbers of an undisturbed run."""
    disk = tmpfs("size=400k")
    out = disk / "out"
    args = [a if a != "serial" else "local" for a in study_args(out)] + ["--workers", "2"]
    line = cli(*args).one_error()
    assert "disk is full" in line, line
    assert leftovers(disk) == []
    with Store(out / "optarena.db", read_only=True) as store:
        states = {t.state.value for t in store.trials("default")}
    assert "failed" not in states and "running" not in states, states
    assert _mount("-o", "remount,size=20m", str(disk)).returncode == 0
    rerun = cli(*args)
    assert rerun.code == 0, rerun.err
    assert study_numbers(out) == reference
    assert leftovers(disk) == []


def test_read_only_filesystem(cli, in_tmp, tmpfs):
    """``--out``/``--store`` on a read-only file system: one error line saying so, exit 2;
    read-only commands on a store there still work."""
    disk = tmpfs("size=8m")
    assert cli(*study_args(disk / "out")).code == 0
    assert _mount("-o", "remount,ro", str(disk)).returncode == 0
    for args in (
        study_args(disk / "fresh"),
        [
            "train",
            "--task",
            "digits-mlp",
            "--optimizer",
            "sgd",
            "--epochs",
            "1",
            "--subset",
            "64",
            "--out",
            str(disk / "t"),
        ],  # fmt: skip
        [
            "report",
            "default",
            "--store",
            str(disk / "out" / "optarena.db"),
            "--out",
            str(disk / "report"),
        ],  # fmt: skip
    ):
        line = cli(*args).one_error()
        assert "read-only" in line, (args, line)
    board = cli("leaderboard", "default", "--store", disk / "out" / "optarena.db")
    assert board.code == 0, board.err
