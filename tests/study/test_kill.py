"""Killing ``compare`` (SIGKILL or SIGTERM) at random moments: within 2 s no process of the
study is left, no row is written after the kill, and a rerun finishes every trial once with
the numbers of an uninterrupted run (issue 20, item 5)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import parse_spec, run_study

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads process groups from /proc"
)

ARGS = (
    "--optimizers", "sgd,adam,rmsprop", "--seeds", "2", "--epochs", "3", "--subset", "150",
    "--batch-size", "50", "--executor", "local", "--workers", "2", "--no-report",
)  # fmt: skip
NUMBERS = ("best_val_acc", "test_acc", "final_test_acc", "final_val_acc", "final_train_loss")
SHAPE = ("best_epoch", "epochs_run", "steps_run")


def start(tmp_path: Path, store: Path) -> subprocess.Popen[bytes]:
    """``compare`` as the leader of its own process group (every helper inherits the group)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(
        [sys.executable, "-m", "optarena", "compare", *ARGS, "--store", str(store), "--out", "r"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def group_members(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:  # state, ppid, pgrp
            pids.append(int(entry))
    return pids


def snapshot(store: Path) -> tuple[int, list[tuple]]:
    """Metric row count and trial states, read without writing to the file."""
    if not store.is_file():
        return 0, []
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        rows = conn.execute("SELECT COUNT(*) FROM metrics").fetchone()[0]
        states = conn.execute("SELECT id, state FROM trials ORDER BY id").fetchall()
        return rows, states
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0, []
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 180.0) -> None:
    start_time = time.monotonic()
    while not predicate():
        if time.monotonic() - start_time > timeout:
            raise TimeoutError("condition not reached")
        time.sleep(0.02)


def kill_and_check(proc: subprocess.Popen[bytes], store: Path, sig: int) -> None:
    os.kill(proc.pid, sig)
    proc.wait(timeout=30)
    before = snapshot(store)
    deadline = time.monotonic() + 2.0
    while group_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = group_members(proc.pid)
    for pid in left:  # do not leave them running whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the study survived the kill by 2 s: {left}"
    assert snapshot(store) == before, "a row was written after the kill"


def summaries(store: Path) -> dict[str, dict]:
    with Store(store) as s:
        return {t.id: {"state": t.state.value, **(t.summary or {})} for t in s.trials("default")}


@pytest.mark.slow
def test_kills_at_random_moments_leave_nothing_and_resume_identically(
    tmp_path: Path, tiny: dict
) -> None:
    rng = random.Random()
    store = tmp_path / "killed.db"
    # 1. SIGTERM at a random moment of start-up or training (the fork server may be importing)
    proc = start(tmp_path, store)
    time.sleep(rng.uniform(0.5, 4.0))
    kill_and_check(proc, store, signal.SIGTERM)
    # 2. SIGKILL a random moment after trials started writing rows
    proc = start(tmp_path, store)
    rows_then = snapshot(store)[0]
    wait_for(lambda: snapshot(store)[0] > rows_then or proc.poll() is not None)
    time.sleep(rng.uniform(0.0, 0.5))
    kill_and_check(proc, store, signal.SIGKILL)
    # 3. the rerun finishes each unfinished trial once; numbers equal an uninterrupted run
    rerun = start(tmp_path, store)
    assert rerun.wait(timeout=600) == 0
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam", "rmsprop"], "seeds": 2, "epochs": 3})
    run_study(spec, store_path=tmp_path / "clean.db", out=tmp_path / "clean", executor="serial")
    killed, clean = summaries(store), summaries(tmp_path / "clean.db")
    assert killed.keys() == clean.keys() and len(killed) == 6
    for trial_id, want in clean.items():
        got = killed[trial_id]
        assert {k: got.get(k) for k in ("state", *SHAPE)} == {
            k: want.get(k) for k in ("state", *SHAPE)
        }
        for key in NUMBERS:
            assert got.get(key) == pytest.approx(want.get(key), rel=1e-6, abs=1e-9), key
    with sqlite3.connect(store) as conn:
        rows = conn.execute(
            "SELECT trial_id, step, epoch, split, name FROM metrics WHERE name != 'wall_s'"
        ).fetchall()
    with sqlite3.connect(tmp_path / "clean.db") as conn:
        want_rows = conn.execute(
            "SELECT trial_id, step, epoch, split, name FROM metrics WHERE name != 'wall_s'"
        ).fetchall()
    assert Counter(rows) == Counter(want_rows)  # every row once, none missing
