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


def test_ray_address_is_checked_before_joining() -> None:
    from optarena.study.executors.ray_executor import check_address

    check_address("auto")  # left to Ray
    with pytest.raises(ValueError, match="HOST:PORT"):
        check_address("no-port-here")
    with pytest.raises(ValueError, match="cannot reach the Ray cluster at ray://127.0.0.1:1"):
        check_address("ray://127.0.0.1:1")


def test_compare_with_an_unreachable_ray_address_fails_fast_with_one_error_line(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    args = ["--task", "digits-mlp", "--optimizers", "sgd", "--epochs", "1", "--subset", "50"]
    proc = subprocess.run(
        [sys.executable, "-m", "optarena", "compare", *args, "--executor", "ray",
         "--address", "bogus:1", "--out", str(tmp_path), "--no-report"],
        capture_output=True, text=True, timeout=120,  # a hang fails here
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the Ray cluster at bogus:1")
