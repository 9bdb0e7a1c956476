"""Fixtures for the study tests: tiny studies on the offline digits task."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TINY = {"task": "digits-mlp", "epochs": 2, "subset": 150, "batch_size": 50}

FAILING_OPTIMIZER = '''
import torch


class FailAtThree(torch.optim.SGD):
    """SGD that raises on its third step (a broken user optimizer)."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, lr=lr)
        self.calls = 0

    def step(self, closure=None):
        self.calls += 1
        if self.calls == 3:
            raise RuntimeError("boom at step 3")
        return super().step(closure)
'''


@pytest.fixture
def tiny() -> dict[str, Any]:
    """A raw study: 2 epochs of digits-mlp on 150 examples."""
    return dict(TINY)


@pytest.fixture
def failing_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A user optimizer ``failopt:FailAtThree`` importable here and in subprocesses."""
    (tmp_path / "failopt.py").write_text(FAILING_OPTIMIZER)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    return "failopt:FailAtThree"


@pytest.fixture
def compare_cmd(tmp_path: Path) -> Callable[..., subprocess.Popen[str]]:
    """Start ``python -m optarena compare ARGS`` in ``tmp_path`` (returns the Popen)."""

    def start(*args: str) -> subprocess.Popen[str]:
        env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}
        return subprocess.Popen(
            [sys.executable, "-m", "optarena", "compare", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return start
