"""Several processes on one store (SQLite file or PostgreSQL server): exclusive claims, and
SIGKILL in the middle of writes."""

import os
import signal
import time

from optarena.store import TrialState
from optarena.store.open import open_store

RACE = """
import sys, time
from pathlib import Path
from optarena.store.open import open_store
path, owner, ids, go = sys.argv[1], sys.argv[2], sys.argv[3].split(","), Path(sys.argv[4])
store = open_store(path)
(go.parent / f"ready-{owner}").touch()
while not go.exists():
    time.sleep(0.005)
for tid in ids:
    if store.claim(tid, owner, lease_s=600):
        print(tid, flush=True)
"""

WRITER = """
import sys
from optarena.store import Store
from optarena.store.open import open_store
path = sys.argv[1]
store = open_store(path) if "://" in path else Store(path, synchronous="NORMAL")
tid = sys.argv[2]
batch = 0
while True:
    rows = [(batch * 1000 + k, batch, "train", "loss", float(k)) for k in range(200)]
    store.log_metrics(tid, rows)
    if batch == 3:
        print("writing", flush=True)
    batch += 1
"""


def test_racing_processes_claim_each_trial_exactly_once(tmp_path, spawn, store_target):
    path = store_target
    store = open_store(path)
    store.add_study("s")
    ids = store.add_trials("s", [{"optimizer": "sgd", "seed": k} for k in range(20)])
    go = tmp_path / "go"
    order = ",".join(ids)
    procs = [spawn(RACE, str(path), f"w{k}", order, str(go)) for k in range(4)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)  # every child has its store open and waits for `go`
    go.touch()
    claimed: dict[str, list[str]] = {}
    for k, proc in enumerate(procs):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        for tid in out.split():
            claimed.setdefault(tid, []).append(f"w{k}")
    assert sorted(claimed) == sorted(ids)
    assert all(len(owners) == 1 for owners in claimed.values()), claimed
    for tid, (owner,) in claimed.items():
        record = store.trial(tid)
        assert (record.state, record.lease_owner, record.attempt) == (
            TrialState.RUNNING,
            owner,
            1,
        )
    assert store.integrity_check() == "ok"


def test_sigkill_mid_write_leaves_a_consistent_store(spawn, store_target):
    path = store_target
    store = open_store(path)
    store.add_study("s")
    tid = store.add_trial("s", {"optimizer": "adam", "seed": 0})
    store.close()
    proc = spawn(WRITER, str(path), tid)
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.2)  # keep writing batches, then kill it somewhere in the middle of one
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    reopened = open_store(path)
    assert reopened.integrity_check() == "ok"
    frame = reopened.metrics_frame([tid])
    per_batch = frame.groupby("epoch").size()
    assert len(per_batch) >= 4
    assert (per_batch == 200).all()  # every batch is all there or not at all
    assert sorted(per_batch.index) == list(range(len(per_batch)))
    reopened.add_trial("s", {"optimizer": "adam", "seed": 1})  # and it is writable
    assert len(reopened.trials("s")) == 2
