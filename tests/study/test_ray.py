"""The Ray executor on a local Ray instance (skipped when ray is not installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import parse_spec, run_study

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_executor_runs_and_records_trials(tmp_path: Path, tiny: dict) -> None:
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam"], "lrs": [0.05]})
    run = run_study(spec, store_path=tmp_path / "r.db", out=tmp_path, executor="ray", workers=1)
    assert not ray.is_initialized()  # the executor shut its own local instance down
    assert len(run.executed) == 2
    serial = run_study(spec, store_path=tmp_path / "s.db", out=tmp_path / "s", executor="serial")
    with Store(tmp_path / "r.db") as a, Store(tmp_path / "s.db") as b:
        got = {t.id: (t.state, (t.summary or {}).get("test_acc")) for t in a.trials("default")}
        want = {t.id: (t.state, (t.summary or {}).get("test_acc")) for t in b.trials("default")}
    assert got == want and len(serial.executed) == 2
