"""The options issue 13 added to plain schedules, each against torch's own scheduler."""

from __future__ import annotations

import math

import pytest
from torch.optim import lr_scheduler as tl

from optarena.schedules import create

LR = 0.1


def _cycle_scale(x: float) -> float:
    return 1.0 / (1.0 + 0.5 * x)


CASES = {
    "one-cycle three_phase": (
        lambda o: tl.OneCycleLR(o, max_lr=LR, total_steps=40, three_phase=True),
        40,
        ("one-cycle", {"total_steps": 40, "three_phase": True}),
    ),
    "one-cycle three_phase linear": (
        lambda o: tl.OneCycleLR(
            o, max_lr=LR, total_steps=33, pct_start=0.2, anneal_strategy="linear", three_phase=True
        ),
        33,
        ("one-cycle", {"total_steps": 33, "pct_start": 0.2, "anneal_strategy": "linear",
                       "three_phase": True}),
    ),  # fmt: skip
    "clr step_size_down": (
        lambda o: tl.CyclicLR(
            o, base_lr=0.01, max_lr=LR, step_size_up=3, step_size_down=7, cycle_momentum=False
        ),
        50,
        ("clr", {"max_lr": LR, "step_size": 3, "step_size_down": 7}),
    ),
    "clr scale_fn cycle": (
        lambda o: tl.CyclicLR(
            o, base_lr=0.01, max_lr=LR, step_size_up=4, scale_fn=_cycle_scale,
            scale_mode="cycle", cycle_momentum=False,
        ),
        50,
        ("clr", {"max_lr": LR, "step_size": 4, "scale_fn": _cycle_scale}),
    ),  # fmt: skip
    "clr scale_fn iterations": (
        lambda o: tl.CyclicLR(
            o, base_lr=0.01, max_lr=LR, step_size_up=4, step_size_down=2, scale_fn=_cycle_scale,
            scale_mode="iterations", cycle_momentum=False,
        ),
        50,
        ("clr", {"max_lr": LR, "step_size": 4, "step_size_down": 2, "scale_fn": _cycle_scale,
                 "scale_mode": "iterations"}),
    ),  # fmt: skip
    "clr exp_range": (
        lambda o: tl.CyclicLR(
            o, base_lr=0.01, max_lr=LR, step_size_up=5, mode="exp_range", gamma=0.97,
            cycle_momentum=False,
        ),
        50,
        ("clr", {"max_lr": LR, "step_size": 5, "mode": "exp_range", "gamma": 0.97}),
    ),  # fmt: skip
    "multistep repeated milestones": (
        lambda o: tl.MultiStepLR(o, milestones=[3, 3, 8, 8, 8], gamma=0.5),
        20,
        ("multistep", {"milestones": [3, 3, 8, 8, 8], "gamma": 0.5}),
    ),
    "linear-lr": (
        lambda o: tl.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=7),
        20,
        ("linear-lr", {"start_factor": 0.25, "end_factor": 0.9, "total_iters": 7}),
    ),
    "constant-lr": (
        lambda o: tl.ConstantLR(o, factor=0.5, total_iters=4),
        12,
        ("constant-lr", {"factor": 0.5, "total_iters": 4}),
    ),
    "polynomial-lr": (
        lambda o: tl.PolynomialLR(o, total_iters=9, power=2.0),
        15,
        ("polynomial-lr", {"total_iters": 9, "power": 2.0}),
    ),
    "sequential of three": (
        lambda o: tl.SequentialLR(
            o,
            [
                tl.LinearLR(o, start_factor=0.1, total_iters=4),
                tl.ExponentialLR(o, gamma=0.9),
                tl.StepLR(o, step_size=3, gamma=0.5),
            ],
            milestones=[5, 12],
        ),
        25,
        ("sequential", {
            "schedules": [
                {"name": "linear-lr", "params": {"start_factor": 0.1, "total_iters": 4}},
                {"name": "exponential", "params": {"gamma": 0.9}},
                {"name": "step", "params": {"step_size": 3, "gamma": 0.5}},
            ],
            "milestones": [5, 12],
        }),
    ),  # fmt: skip
    "chained": (
        lambda o: tl.ChainedScheduler(
            [tl.ConstantLR(o, factor=0.5, total_iters=3), tl.ExponentialLR(o, gamma=0.9),
             tl.StepLR(o, step_size=4, gamma=0.7)]
        ),
        20,
        ("chained", {"schedules": [
            {"name": "constant-lr", "params": {"factor": 0.5, "total_iters": 3}},
            {"name": "exponential", "params": {"gamma": 0.9}},
            {"name": "step", "params": {"step_size": 4, "gamma": 0.7}},
        ]}),
    ),  # fmt: skip
    "cosine-restarts T_mult 3": (
        lambda o: tl.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3, eta_min=0.001),
        40,
        ("cosine-restarts", {"T_0": 2, "T_mult": 3, "eta_min": 0.001}),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_option_matches_torch(case, torch_lrs):
    build, n, (name, params) = CASES[case]
    base = 0.01 if name == "clr" else LR
    expected = torch_lrs(build, n, LR)
    s = create(name, base, **params)
    got = [s(t) for t in range(n)]
    for t, (a, b) in enumerate(zip(got, expected, strict=True)):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (case, t, a, b)


def test_float_t_mult_and_m_mul_follow_the_periods():
    s = create("cosine-restarts", 1.0, T_0=4, T_mult=1.5, m_mul=0.5, eta_min=0.0)
    # periods 4, 6, 9: restarts at t = 4 and t = 10 with heights 0.5 and 0.25
    assert s(0) == 1.0 and s(4) == 0.5 and s(10) == 0.25
    assert s(4 + 3) == pytest.approx(0.5 * 0.5)  # mid second period: half of its height


def test_inverse_time_staircase():
    smooth = create("inverse-time", 1.0, decay_rate=0.5, decay_steps=4)
    stairs = create("inverse-time", 1.0, decay_rate=0.5, decay_steps=4, staircase=True)
    assert smooth(2) == pytest.approx(1 / 1.25) and stairs(2) == 1.0 and stairs(4) == 1 / 1.5
    with pytest.raises(ValueError, match="staircase applies only to the Keras form"):
        create("inverse-time", 1.0, gamma=0.1, staircase=True)


def test_framework_spellings_on_plain_names_warn_once():
    import warnings

    from optarena.schedules import registry

    registry._WARNED.discard("polynomial")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = create("polynomial", 0.2, decay_steps=10, end_learning_rate=0.01)
        create("polynomial", 0.2, decay_steps=10, end_learning_rate=0.01)
        t = create("step", 0.5, step_size=2, initial_learning_rate=0.3)
    assert s.end_lr == 0.01 and t.base_lr == 0.3
    texts = [str(w.message) for w in caught if "polynomial" in str(w.message)]
    assert len(texts) == 1 and "'keras:polynomial'" in texts[0]
