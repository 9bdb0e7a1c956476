"""Schedules that exist in torch: ``s(t)`` equals the lr torch sets after ``t`` steps."""

from __future__ import annotations

import math

import pytest
from torch.optim import lr_scheduler as tl

from optarena.schedules import create

N = 160
LR = 0.1


def _halve_every_3(t: int) -> float:
    return 0.5 ** (t // 3)


def _shrink(t: int) -> float:
    return 0.99 if t % 3 else 0.9


CASES = {
    "step": (
        lambda o: tl.StepLR(o, step_size=7, gamma=0.5),
        ("step", {"step_size": 7, "gamma": 0.5}),
    ),
    "multistep": (
        lambda o: tl.MultiStepLR(o, milestones=[10, 25, 70], gamma=0.3),
        ("multistep", {"milestones": [10, 25, 70], "gamma": 0.3}),
    ),
    "exponential": (
        lambda o: tl.ExponentialLR(o, gamma=0.97),
        ("exponential", {"gamma": 0.97}),
    ),
    "lambda": (
        lambda o: tl.LambdaLR(o, lr_lambda=_halve_every_3),
        ("lambda", {"lr_lambda": _halve_every_3}),
    ),
    "multiplicative": (
        lambda o: tl.MultiplicativeLR(o, lr_lambda=lambda t: 0.98),
        ("multiplicative", {"factor": 0.98}),
    ),
    "multiplicative-callable": (
        lambda o: tl.MultiplicativeLR(o, lr_lambda=_shrink),
        ("multiplicative", {"factor": _shrink}),
    ),
    "cosine": (
        lambda o: tl.CosineAnnealingLR(o, T_max=40, eta_min=0.002),
        ("cosine", {"T_max": 40, "eta_min": 0.002}),
    ),
    "cosine-restarts-1": (
        lambda o: tl.CosineAnnealingWarmRestarts(o, T_0=9, eta_min=0.001),
        ("cosine-restarts", {"T_0": 9, "eta_min": 0.001}),
    ),
    "cosine-restarts-2": (
        lambda o: tl.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
        ("cosine-restarts", {"T_0": 5, "T_mult": 2}),
    ),
    "one-cycle-cos": (
        lambda o: tl.OneCycleLR(o, max_lr=0.5, total_steps=N, cycle_momentum=False),
        ("one-cycle", {"max_lr": 0.5, "total_steps": N}),
    ),
    "one-cycle-linear": (
        lambda o: tl.OneCycleLR(
            o,
            max_lr=0.3,
            total_steps=N,
            pct_start=0.4,
            anneal_strategy="linear",
            div_factor=10.0,
            final_div_factor=100.0,
            cycle_momentum=False,
        ),
        (
            "one-cycle",
            {
                "max_lr": 0.3,
                "total_steps": N,
                "pct_start": 0.4,
                "anneal_strategy": "linear",
                "div_factor": 10.0,
                "final_div_factor": 100.0,
            },
        ),
    ),
}
for _mode in ("triangular", "triangular2", "exp_range"):
    CASES[f"clr-{_mode}"] = (
        lambda o, m=_mode: tl.CyclicLR(
            o,
            base_lr=LR,
            max_lr=0.6,
            step_size_up=12,
            mode=m,
            gamma=0.995,
            cycle_momentum=False,
        ),
        ("clr", {"max_lr": 0.6, "step_size": 12, "mode": _mode, "gamma": 0.995}),
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_torch_scheduler(case, torch_lrs):
    build, (name, params) = CASES[case]
    expected = torch_lrs(build, N, LR)
    schedule = create(name, LR, **params)
    for t, lr in enumerate(expected):
        assert math.isclose(schedule(t), lr, rel_tol=1e-9, abs_tol=1e-14), (t, schedule(t), lr)
