"""Batched optimizers equal K separate ``torch.optim`` / optarena optimizers (float64)."""

from __future__ import annotations

import pytest
import torch

from optarena import optim
from optarena.study.batched import GroupUpdate, UnsupportedError, rule_for
from optarena.study.batched.layout import Layout

SHAPES = ((3, 4), (4,), (2, 3, 2, 2))
STEPS = 8

#: (registry name, per-trial hyper-parameters): each case mixes values in one family
CASES = {
    "sgd": [{}, {"weight_decay": 0.01}],
    "momentum": [{}, {"dampening": 0.1, "weight_decay": 0.01, "momentum": 0.5}],
    "nesterov": [{}, {"weight_decay": 0.02, "momentum": 0.8}],
    "adam": [{}, {"weight_decay": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}],
    "adamw": [{}, {"weight_decay": 0.1, "betas": (0.5, 0.9)}],
    "amsgrad": [{}, {"weight_decay": 0.01, "betas": (0.7, 0.95)}],
    "adamax": [{}, {"weight_decay": 0.01, "betas": (0.8, 0.9)}],
    "nadam": [{}, {"weight_decay": 0.01, "momentum_decay": 0.01}],
    "radam": [{}, {"weight_decay": 0.01, "betas": (0.9, 0.9)}],  # rho_t > 5 late / never
    "rmsprop": [{}, {"alpha": 0.9, "momentum": 0.5, "weight_decay": 0.01}],
    "rmsprop-centered": [{}, {"alpha": 0.9, "momentum": 0.3}],
    "adagrad": [{}, {"lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.01}],
    "adadelta": [{}, {"rho": 0.8, "weight_decay": 0.01}],
    "lion": [{}, {"betas": (0.8, 0.95), "weight_decay": 0.1}],
    "qhm": [{}, {"nu": 0.5, "momentum": 0.9, "weight_decay": 0.01}],
    "qhadam": [{}, {"nus": (0.5, 0.8), "betas": (0.9, 0.99), "weight_decay": 0.01}],
    "lamb": [{}, {"betas": (0.8, 0.9), "weight_decay": 0.0}],
    "lars": [{}, {"momentum": 0.5, "weight_decay": 0.01, "trust_coefficient": 0.01}],
    "adabelief": [{}, {"weight_decay": 0.01, "betas": (0.8, 0.99)}],
}


def _trial_params(seed: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(s, generator=g, dtype=torch.float64) for s in SHAPES]


def _grads(step: int, seed: int, params: list[torch.Tensor]) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(1000 * seed + step)
    return [torch.randn(p.shape, generator=g, dtype=torch.float64) + 0.3 * p for p in params]


def _run(
    configs: list[tuple[str, dict]],
    lrs: list[list[float]],
    dead: dict[int, int],
    no_decay: set[int] = frozenset(),
):
    """Serial: one optimizer per trial; batched: one GroupUpdate. ``dead[j]`` = the step from
    which trial j is masked (its serial run stops there)."""
    k = len(configs)
    serial = [[p.clone().requires_grad_() for p in _trial_params(j)] for j in range(k)]
    opts = [
        optim.create(name, _groups(ps, j in no_decay), lr=lrs[j][0], **hp)
        for j, ((name, hp), ps) in enumerate(zip(configs, serial, strict=True))
    ]
    layout = Layout(SHAPES)
    flat = torch.stack([torch.cat([p.reshape(-1) for p in _trial_params(j)]) for j in range(k)])
    update = GroupUpdate(opts, serial, flat, layout)
    for step in range(STEPS):
        alive = torch.tensor([float(dead.get(j, STEPS) > step) for j in range(k)])
        stacked = layout.views(flat)
        grad = layout.flatten([_stacked_grad(step, stacked, i, k) for i in range(len(SHAPES))])
        for j in range(k):
            if alive[j]:
                for p, g in zip(serial[j], _grads(step, j, serial[j]), strict=True):
                    p.grad = g
                for group in opts[j].param_groups:
                    group["lr"] = lrs[j][step]
                opts[j].step()
        lr = torch.tensor([lrs[j][step] for j in range(k)], dtype=torch.float64)
        update.step(flat, grad, lr, alive.double())
    return serial, layout.views(flat)


def _groups(params: list[torch.Tensor], no_decay: bool) -> list[dict]:
    """One group, or the trainer's two (1-D tensors without weight decay)."""
    if not no_decay:
        return [{"params": params}]
    return [
        {"params": [p for p in params if p.ndim > 1]},
        {"params": [p for p in params if p.ndim <= 1], "weight_decay": 0.0},
    ]


def _stacked_grad(step: int, stacked: list[torch.Tensor], i: int, k: int) -> torch.Tensor:
    return torch.stack([_grads(step, j, [p[j].detach() for p in stacked])[i] for j in range(k)])


def _check(serial: list[list[torch.Tensor]], stacked: list[torch.Tensor]) -> None:
    for j, params in enumerate(serial):
        for i, p in enumerate(params):
            torch.testing.assert_close(stacked[i][j].detach(), p.detach(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("uniform", [False, True], ids=["mixed", "shared"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_batched_optimizer_equals_its_serial_optimizer(name: str, uniform: bool) -> None:
    # mixed: 4 trials, two settings (per-trial tensors); shared: one setting, only lr differs
    configs = [(name, CASES[name][0 if uniform else j % 2]) for j in range(4)]
    lr0 = optim.spec(name).defaults["lr"]
    lrs = [[lr0 * (1 + j) * (0.9**s if j % 2 else 1.0) for s in range(STEPS)] for j in range(4)]
    serial, stacked = _run(configs, lrs, dead={})
    _check(serial, stacked)


def test_mixed_optimizers_split_at_the_update_and_masked_trials_freeze() -> None:
    configs = [
        ("adam", {}),
        ("momentum", {}),
        ("lamb", {}),
        ("adam", {"weight_decay": 0.1}),
        ("nesterov", {}),
        ("lars", {}),
    ]
    lrs = [[optim.spec(n).defaults["lr"] * (1 + s / 10) for s in range(STEPS)] for n, _ in configs]
    serial, stacked = _run(configs, lrs, dead={1: 3, 5: 2})
    _check(serial, stacked)


@pytest.mark.parametrize("name", ["adamw", "lamb", "lars", "sgd"])
def test_weight_decay_that_differs_between_parameter_tensors(name: str) -> None:
    configs = [(name, {"weight_decay": 0.05})] * 3
    lrs = [[optim.spec(name).defaults["lr"] * (j + 1)] * STEPS for j in range(3)]
    serial, stacked = _run(configs, lrs, dead={}, no_decay={0, 2})
    _check(serial, stacked)


def test_unsupported_optimizers_are_refused() -> None:
    p = [torch.zeros(2, requires_grad=True)]
    with pytest.raises(UnsupportedError):
        rule_for(optim.create("rprop", p), p)
    with pytest.raises(UnsupportedError):
        rule_for(optim.create("adam", p, maximize=True), p)
