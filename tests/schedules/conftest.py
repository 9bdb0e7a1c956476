"""Fixtures for the schedule tests: torch reference runs and a user module on sys.path."""

from __future__ import annotations

import textwrap
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

USER_MODULE = '''
def halve_every_3(t):
    """A user's lr_lambda: 1, 1, 1, 0.5, 0.5, 0.5, 0.25, ..."""
    return 0.5 ** (t // 3)


def shrink(t):
    """A user's multiplicative factor: 0.9 on even counts, 0.8 on odd ones."""
    return 0.9 if t % 2 == 0 else 0.8
'''


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of a fresh importable module holding ``halve_every_3`` and ``shrink``."""
    name = f"optarena_user_sched_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(USER_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    return name


def _optimizer(lr: float, momentum: float = 0.0) -> torch.optim.Optimizer:
    param = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    return torch.optim.SGD([param], lr=lr, momentum=momentum)


@pytest.fixture
def make_optimizer() -> Callable[..., torch.optim.Optimizer]:
    """A one-parameter SGD optimizer at a given lr."""
    return _optimizer


@pytest.fixture
def torch_lrs() -> Callable[..., list[float]]:
    """``torch_lrs(build, n, lr)``: the lrs ``[l_0 .. l_{n-1}]`` a torch scheduler sets, where
    ``l_t`` is the lr after ``t`` calls to ``scheduler.step()``.

    ``optimizer.step()`` is not called (it would only cost time: the parameter has no
    gradient); torch's warning about the call order is silenced."""

    def run(build: Callable[[torch.optim.Optimizer], object], n: int, lr: float) -> list[float]:
        opt = _optimizer(lr)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scheduler = build(opt)
            lrs = [float(opt.param_groups[0]["lr"])]
            for _ in range(n - 1):
                scheduler.step()  # type: ignore[attr-defined]
                lrs.append(float(opt.param_groups[0]["lr"]))
        return lrs

    return run
