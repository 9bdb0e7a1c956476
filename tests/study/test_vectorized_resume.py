"""A vectorized group killed with SIGKILL mid-run resumes from its checkpoint (dropout
generators and the chosen thread count included) to the same numbers as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.train.checkpoint import load_checkpoint

RAW = {
    "task": "digits-mlp",
    "epochs": 3,
    "subset": 150,
    "batch_size": 50,
    "seeds": 2,
    "optimizers": {"momentum": {}, "adam": {}, "lamb": {"lrs": [5.0]}},
    "lrs": [0.02],
    "model_kwargs": {"dropout": 0.2},  # the trials' dropout generators resume too
}

#: run the study; before the group's 2nd checkpoint (epoch 2's rows already logged) say so
#: and wait to be killed
CHILD = """
import json, sys, time
from optarena.study import parse_spec, run_study
from optarena.study.executors import vec_run
save, calls = vec_run.GroupRun._save, []
def slow_save(self):
    calls.append(1)
    if len(calls) == 2:
        print("ready", flush=True)
        time.sleep(120)
    save(self)
vec_run.GroupRun._save = slow_save
raw, out = json.loads(sys.argv[1]), sys.argv[2]
run_study(parse_spec(raw), store_path=out + "/db.db", out=out, executor="vectorized")
"""


def _numbers(path: Path) -> tuple[dict, dict]:
    with Store(path) as store:
        trials = {
            t.id: (
                t.state.value,
                {k: v for k, v in (t.summary or {}).items() if k not in ("wall_s", "checkpoint")},
            )
            for t in store.trials("default")
        }
        frame = store.metrics_frame()
    frame = frame[frame["name"] != "wall_s"]
    rows = {(r.trial_id, r.step, r.epoch, r.split, r.name): r.value for r in frame.itertuples()}
    return trials, rows


@pytest.mark.slow
def test_kill_9_mid_group_then_rerun_gives_the_same_numbers(tmp_path: Path) -> None:
    out = tmp_path / "killed"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(RAW), str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with Store(out / "db.db") as store:
        assert {t.state.value for t in store.trials("default")} == {"running"}
        assert store.metrics_frame()["epoch"].max() == 2  # epoch 2 logged, not checkpointed
    (checkpoint,) = (out / "groups").glob("*/last.pt")
    assert load_checkpoint(checkpoint)["progress"]["epoch"] == 1  # the rerun resumes from here
    spec = parse_spec(RAW)
    run_study(spec, store_path=out / "db.db", out=out, executor="vectorized")
    whole = tmp_path / "whole"
    run_study(spec, store_path=whole / "db.db", out=whole, executor="vectorized")
    (t1, r1), (t2, r2) = _numbers(out / "db.db"), _numbers(whole / "db.db")
    assert t1 == t2 and r1 == r2
    assert {state for state, _ in t1.values()} == {"complete", "diverged"}
