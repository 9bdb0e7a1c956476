"""Fixtures for the store tests: a fresh store, a manual clock, and child-process helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from optarena.store import Store

SRC = str(Path(__file__).resolve().parents[2] / "src")


class ManualClock:
    """A clock the test moves by hand (leases without sleeping)."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock) -> Store:
    s = Store(tmp_path / "runs" / "optarena.db", clock=clock)
    yield s
    s.close()


@pytest.fixture
def spawn():
    """Start ``python -c code`` with the checkout's ``src`` importable; returns the Popen."""
    started: list[subprocess.Popen] = []

    def start(code: str, *args: str) -> subprocess.Popen:
        env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
