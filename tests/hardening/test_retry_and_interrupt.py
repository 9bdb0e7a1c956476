"""Issue 20 items 6 and 7: --retry-failed runs a failing trial once more (no endless loop);
Ctrl-C says what happened."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from optarena.store import Store

ALWAYS_FAILS = """
import torch


class AlwaysFails(torch.optim.SGD):
    def step(self, closure=None):
        raise RuntimeError("boom")
"""


@pytest.mark.slow
def test_retry_failed_retries_each_failed_trial_once_per_run(tmp_path):
    (tmp_path / "failmod.py").write_text(ALWAYS_FAILS)
    path = [str(tmp_path), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path if p)}
    args = [
        sys.executable,
        "-m",
        "optarena",
        "compare",
        "--task",
        "digits-mlp",
        "--epochs",
        "1",
        "--subset",
        "64",
        "--batch-size",
        "32",
        "--seeds",
        "1",
        "--optimizers",
        "failmod:AlwaysFails",
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "o"),
        "--no-report",
    ]
    first = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    again = subprocess.run(
        [*args, "--retry-failed"], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode == 0, again.stderr
    assert "1 trials run now" in again.stderr and "1 failed" in again.stderr
    with Store(tmp_path / "o" / "optarena.db") as store:
        (trial,) = store.trials("default")
    assert trial.state.value == "failed" and trial.attempt == 2


def test_ctrl_c_prints_a_message_and_exits_130(monkeypatch):
    import contextlib
    import io

    import optarena.cli as cli_module

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "app", interrupted)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            cli_module.main(["compare"])
        except SystemExit as exc:
            code = exc.code
    assert code == 130
    assert err.getvalue().strip().startswith("interrupted")
