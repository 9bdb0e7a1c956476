"""``to_torch``: a plain PyTorch loop sees ``s(t)``; state_dict round-trips (weights_only)."""

from __future__ import annotations

import io
import warnings

import pytest
import torch
from torch.optim.lr_scheduler import LRScheduler

from optarena.schedules import create, to_torch

SCHEDULES = [
    ("step", {"step_size": 3, "gamma": 0.5}),
    ("cosine", {"T_max": 10}),
    ("linear-warmup", {"warmup_steps": 4, "after": {"name": "cosine", "params": {"T_max": 8}}}),
    ("one-cycle", {"total_steps": 20}),
    ("clr", {"max_lr": 0.4, "step_size": 3, "mode": "triangular2"}),
]


def _loop(scheduler: LRScheduler, opt: torch.optim.Optimizer, n: int) -> list[float]:
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optimizer.step() is skipped: nothing to learn here
        for _ in range(n):
            lrs.append(opt.param_groups[0]["lr"])
            scheduler.step()
    return lrs


def _two_group_optimizer() -> torch.optim.Optimizer:
    a, b = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(3))
    return torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.7}], lr=0.5)


@pytest.mark.parametrize(("name", "params"), SCHEDULES)
def test_loop_sees_s_of_t(name, params):
    s = create(name, 0.1, **params)
    opt = _two_group_optimizer()
    scheduler = to_torch(s, opt)
    assert isinstance(scheduler, LRScheduler)
    assert [g["lr"] for g in opt.param_groups] == [s(0), s(0)]
    assert _loop(scheduler, opt, 20) == [s(t) for t in range(20)]
    assert [g["lr"] for g in opt.param_groups] == [s(20), s(20)]
    assert scheduler.get_last_lr() == [s(20), s(20)]


def _saved(state: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


@pytest.mark.parametrize(("name", "params"), SCHEDULES)
def test_state_dict_round_trip(name, params, make_optimizer):
    s = create(name, 0.1, **params)
    opt = make_optimizer(0.1)
    scheduler = to_torch(s, opt)
    _loop(scheduler, opt, 7)
    state = _saved(scheduler.state_dict())
    # resume into a scheduler built from a different schedule: the saved one comes back
    opt2 = make_optimizer(0.1)
    resumed = to_torch(create("constant", 0.3), opt2)
    resumed.load_state_dict(state)
    assert resumed.schedule == s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resumed.step()
    assert opt2.param_groups[0]["lr"] == s(8)


def test_lambda_named_by_path_round_trips(user_module, make_optimizer):
    path = f"{user_module}:halve_every_3"
    s = create("lambda", 0.1, lr_lambda=path)
    opt = make_optimizer(0.1)
    scheduler = to_torch(s, opt)
    _loop(scheduler, opt, 5)
    state = _saved(scheduler.state_dict())
    assert state["schedule"]["params"]["lr_lambda"] == path

    # a module-level function given as an object is stored by its path too
    function = __import__(user_module).halve_every_3
    by_object = to_torch(create("lambda", 0.1, lr_lambda=function), make_optimizer(0.1))
    assert _saved(by_object.state_dict())["schedule"]["params"]["lr_lambda"] == path

    opt2 = make_optimizer(0.1)
    resumed = to_torch(create("constant", 0.1), opt2)
    resumed.load_state_dict(state)
    assert _loop(resumed, opt2, 10)[1:] == [0.1 * 0.5 ** (t // 3) for t in range(6, 15)]


def test_unnamed_lambda_cannot_be_stored(make_optimizer):
    scheduler = to_torch(create("lambda", 0.1, lr_lambda=lambda t: 1.0), make_optimizer(0.1))
    with pytest.raises(ValueError, match="no importable path"):
        scheduler.state_dict()


def test_rejects_non_schedules(make_optimizer):
    with pytest.raises(ValueError, match="needs an optarena schedule"):
        to_torch(lambda t: 0.1, make_optimizer(0.1))
