"""Fixtures for the store tests: a fresh store on each backend (SQLite file, PostgreSQL server),
a manual clock, and child-process helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.store.open import open_store

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


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh store lives: an SQLite file, or an empty schema on the test PostgreSQL
    server (``postgres_url``; skipped where there is none)."""
    if request.param == "sqlite":
        return str(tmp_path / "runs" / "optarena.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_target: str, clock: ManualClock) -> Store:
    s = open_store(store_target, clock=clock)
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
