"""Ray without a shared disk, on a real 3-node cluster on this machine (skipped without ray).

``ray.cluster_utils.Cluster`` starts a head (no CPUs: it runs no trial) and two worker nodes,
each with its own temporary directory; the driver's ``--out`` and store are the test's own
folder, which trials never see. One cluster serves both tests of the module, in file order: a
SIGKILLed driver rerun with checkpoints in ``--storage``, then a worker node killed mid-trial
with checkpoints sent back to the driver through Ray's object store.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from optarena.store import open_store
from optarena.study import parse_spec, run_study

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow

STUDY = {
    "task": "digits-mlp", "optimizers": ["sgd", "adam"], "lrs": [0.05], "seeds": 2, "epochs": 2,
    "subset": 150, "batch_size": 50,
}  # fmt: skip
KEYS = ("best_val_acc", "best_epoch", "test_acc", "final_test_acc", "final_val_acc", "steps_run")
HEALTH = {"health_check_period_ms": 500, "health_check_failure_threshold": 3}


def numbers(target: Any) -> dict[str, tuple]:
    """Each trial's state and summary numbers (not timings or paths)."""
    with open_store(target, create=False) as store:
        return {
            t.id: (t.state.value, *((t.summary or {}).get(k) for k in KEYS))
            for t in store.trials("default")
        }


def rows(target: Any) -> list[tuple]:
    """Every metric row but wall times, as sorted tuples."""
    with open_store(target, create=False) as store:
        frame = store.metrics_frame()
    frame = frame[frame["name"] != "wall_s"]
    return sorted(tuple(str(v) for v in r) for r in frame.itertuples(index=False))


class Events:
    """A progress hook that keeps the trials' events and may act on them."""

    labels: dict[str, str] = {}

    def __init__(self, act: Any = None) -> None:
        self.seen: list[tuple[str, str, dict]] = []
        self.act = act

    def on_event(self, trial_id: str, event: str, payload: dict) -> None:
        if event != "step":
            self.seen.append((trial_id, event, dict(payload)))
        if self.act is not None:
            self.act(trial_id, event, payload)

    def on_outcome(self, outcome: Any) -> None:
        pass

    def start(self, total: int, done: int) -> None:
        pass


@pytest.fixture(scope="module")
def cluster():
    """A head and two one-CPU worker nodes, each with its own (short) temporary directory."""
    from ray.cluster_utils import Cluster

    if ray.is_initialized():
        ray.shutdown()
    root = Path(tempfile.mkdtemp(prefix="oa-ray-"))  # Unix socket paths must stay short
    head = {"num_cpus": 0, "include_dashboard": False, "temp_dir": str(root / "head")}
    made = Cluster(
        initialize_head=True, connect=False, head_node_args={**head, "_system_config": HEALTH}
    )
    workers = [made.add_node(num_cpus=1, temp_dir=str(root / f"w{k}")) for k in range(2)]
    made.wait_for_nodes()
    yield made, workers, root
    made.shutdown()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The same study run by the serial executor (what every cluster run must equal)."""
    tmp = tmp_path_factory.mktemp("serial")
    run_study(parse_spec(STUDY), store_path=tmp / "s.db", out=tmp / "out", executor="serial")
    return tmp / "s.db"


def test_multinode_sigkilled_driver_rerun_resumes_from_storage_to_the_same_numbers(
    cluster, reference, tmp_path
) -> None:
    made, _, _ = cluster
    db, out, storage = tmp_path / "k.db", tmp_path / "out", tmp_path / "storage"
    args = [
        sys.executable, "-m", "optarena", "compare", "--task", "digits-mlp",
        "--optimizers", "sgd,adam", "--lrs", "0.05", "--seeds", "2", "--epochs", "2",
        "--subset", "150", "--batch-size", "50", "--executor", "ray", "--address", made.address,
        "--storage", str(storage), "--store", str(db), "--out", str(out), "--no-report",
    ]  # fmt: skip
    driver = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and driver.poll() is None:
        if list(storage.glob("trials/*/last.pt")):
            break  # an epoch of some trial is recorded, its checkpoint committed in storage
        time.sleep(0.2)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    assert sum(s == "complete" for s, *_ in numbers(db).values()) < 4, "finished before the kill"
    rerun = run_study(
        parse_spec(STUDY), store_path=db, out=out, executor="ray", address=made.address,
        storage=str(storage),
    )  # fmt: skip
    assert not rerun.failed and rerun.executed and len(rerun.executed) + rerun.skipped == 4
    assert numbers(db) == numbers(reference) and rows(db) == rows(reference)
    assert not out.exists()  # nothing of the trials lands in the driver's --out
    for trial_id in numbers(reference):  # staged copies were committed, temporaries renamed
        assert sorted(p.name for p in (storage / "trials" / trial_id).iterdir()) == [
            "best.pt",
            "last.pt",
        ]
    with open_store(db) as store:
        assert all(t.summary["checkpoint"].startswith(str(storage)) for t in store.trials())


def test_multinode_worker_node_killed_mid_trial_resumes_elsewhere(
    cluster, reference, tmp_path
) -> None:
    made, workers, root = cluster
    nodes = {w.node_id: w for w in workers}
    killed: dict[str, str] = {}

    def kill_on_first_epoch(trial_id: str, event: str, payload: dict) -> None:
        if event == "epoch" and payload["epoch"] == 1 and not killed:
            node = next(p["node"] for t, e, p in events.seen if t == trial_id and e == "start")
            killed[trial_id] = node
            made.remove_node(nodes[node], allow_graceful=False)

    events = Events(kill_on_first_epoch)
    run = run_study(
        parse_spec(STUDY), store_path=tmp_path / "r.db", out=tmp_path / "out", executor="ray",
        address=made.address, progress=events,
    )  # fmt: skip
    assert not run.failed and numbers(tmp_path / "r.db") == numbers(reference)
    assert rows(tmp_path / "r.db") == rows(reference)
    ((victim, dead_node),) = killed.items()
    starts = [p for t, e, p in events.seen if t == victim and e == "start"]
    assert [s["resumed_at"] for s in starts] == [0, 1]  # resumed from its epoch-1 checkpoint
    assert starts[1]["node"] != dead_node
    for _, e, p in events.seen:  # each node trained in its own temporary directory
        if e == "start":
            k = [w.node_id for w in workers].index(p["node"])
            assert Path(p["scratch"]).is_relative_to(root / f"w{k}")
    assert sorted(p.name for p in (tmp_path / "out" / "trials" / victim).iterdir()) == [
        "best.pt",
        "last.pt",
    ]  # checkpoints came back through Ray's object store to the driver
