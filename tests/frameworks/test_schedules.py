"""Every ``paddle:NAME`` / ``keras:NAME`` schedule side by side with the framework's scheduler,
in float64, to 1e-9, on several parameter sets with edge cases: boundaries, counts past the
decay horizon, warm-up longer than the run, cooldown, restarts (issue 13)."""

from __future__ import annotations

import math

import pytest

from optarena.schedules import create, names

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # keras' numpy-2 notice

N = 40
LR = 0.1


def _decay_95(t: int) -> float:
    return 0.95**t


def _shrink(t: int) -> float:
    return 0.9 if t % 2 else 0.99


def _halving(x: float) -> float:
    return 0.5**x


#: (dialect name, Paddle class, kwargs without learning_rate; the base rate is LR)
PADDLE = [
    ("step", "StepDecay", {"step_size": 3, "gamma": 0.5}),
    ("step", "StepDecay", {"step_size": 1, "gamma": 0.9}),
    ("multistep", "MultiStepDecay", {"milestones": [2, 5, 9], "gamma": 0.5}),
    ("multistep", "MultiStepDecay", {"milestones": [0, 1, 39], "gamma": 0.25}),
    ("exponential", "ExponentialDecay", {"gamma": 0.9}),
    ("natural-exp", "NaturalExpDecay", {"gamma": 0.3}),
    ("inverse-time", "InverseTimeDecay", {"gamma": 0.7}),
    ("polynomial", "PolynomialDecay", {"decay_steps": 7, "end_lr": 0.01, "power": 2.0}),
    ("polynomial", "PolynomialDecay", {"decay_steps": 6, "cycle": True, "power": 0.5}),
    ("piecewise", "PiecewiseDecay", {"boundaries": [3, 7], "values": [0.1, 0.05, 0.01]}),
    ("piecewise", "PiecewiseDecay", {"boundaries": [0], "values": [0.3, 0.2]}),
    ("lambda", "LambdaDecay", {"lr_lambda": _decay_95}),
    ("multiplicative", "MultiplicativeDecay", {"lr_lambda": _shrink}),
    ("noam", "NoamDecay", {"d_model": 64, "warmup_steps": 5}),
    ("noam", "NoamDecay", {"d_model": 8, "warmup_steps": 100}),
    ("linear-warmup", "LinearWarmup", {"warmup_steps": 10, "start_lr": 0.0, "end_lr": 0.1}),
    ("linear-warmup", "LinearWarmup", {"warmup_steps": 50, "start_lr": 0.02, "end_lr": 0.5}),
    ("cosine", "CosineAnnealingDecay", {"T_max": 10, "eta_min": 0.01}),
    ("cosine", "CosineAnnealingDecay", {"T_max": 40}),
    ("cosine-restarts", "CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.001}),
    ("cosine-restarts", "CosineAnnealingWarmRestarts", {"T_0": 7}),
    ("one-cycle", "OneCycleLR", {"total_steps": N - 1}),
    ("one-cycle", "OneCycleLR", {"total_steps": N - 1, "divide_factor": 10.0,
                                 "end_learning_rate": 0.001, "phase_pct": 0.2,
                                 "anneal_strategy": "linear", "three_phase": True}),
    ("clr", "CyclicLR", {"max_learning_rate": 0.5, "step_size_up": 3, "step_size_down": 5,
                         "mode": "triangular2"}),
    ("clr", "CyclicLR", {"max_learning_rate": 0.5, "step_size_up": 4, "mode": "exp_range",
                         "exp_gamma": 0.9}),
    ("clr", "CyclicLR", {"max_learning_rate": 0.5, "step_size_up": 2, "scale_fn": _halving,
                         "scale_mode": "iterations"}),
    ("linear-lr", "LinearLR", {"total_steps": 6, "start_factor": 0.2, "end_factor": 0.8}),
    ("linear-lr", "LinearLR", {"total_steps": 60}),
]  # fmt: skip

#: (dialect name, Keras class, kwargs without initial_learning_rate; the base rate is LR)
KERAS = [
    ("exponential", "ExponentialDecay", {"decay_steps": 4, "decay_rate": 0.5}),
    ("exponential", "ExponentialDecay", {"decay_steps": 3, "decay_rate": 0.7, "staircase": True}),
    ("piecewise", "PiecewiseConstantDecay", {"boundaries": [3, 7], "values": [0.1, 0.05, 0.01]}),
    ("piecewise", "PiecewiseConstantDecay", {"boundaries": [0, 1], "values": [0.3, 0.2, 0.1]}),
    ("polynomial", "PolynomialDecay", {"decay_steps": 7, "end_learning_rate": 0.01,
                                       "power": 2.0}),
    ("polynomial", "PolynomialDecay", {"decay_steps": 6, "cycle": True, "power": 0.5}),
    ("inverse-time", "InverseTimeDecay", {"decay_steps": 3, "decay_rate": 0.5}),
    ("inverse-time", "InverseTimeDecay", {"decay_steps": 4, "decay_rate": 2.0,
                                          "staircase": True}),
    ("cosine", "CosineDecay", {"decay_steps": 10, "alpha": 0.1}),
    ("cosine", "CosineDecay", {"decay_steps": 10, "warmup_target": 0.3, "warmup_steps": 5}),
    ("cosine", "CosineDecay", {"decay_steps": 10, "warmup_target": 0.3, "warmup_steps": 60}),
    ("cosine-restarts", "CosineDecayRestarts", {"first_decay_steps": 3, "t_mul": 2.0,
                                                "m_mul": 0.8, "alpha": 0.05}),
    ("cosine-restarts", "CosineDecayRestarts", {"first_decay_steps": 5, "t_mul": 1.0}),
    ("cosine-restarts", "CosineDecayRestarts", {"first_decay_steps": 4, "t_mul": 1.5,
                                                "m_mul": 0.5}),
]  # fmt: skip


def _label(case: tuple) -> str:
    parts = [f"{k}={getattr(v, '__name__', v)}" for k, v in case[2].items()]
    return "-".join([case[0], *parts])


def _assert_same(ours: list[float], theirs: list[float], label: str) -> None:
    for t, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{label} t={t}: {a} != {b}"


def _paddle_lrs(paddle, cls_name: str, kwargs: dict, n: int, base: float = LR) -> list[float]:
    cls = getattr(paddle.optimizer.lr, cls_name)
    if cls_name == "OneCycleLR":
        sched = cls(max_learning_rate=base, **kwargs)
    elif cls_name == "CyclicLR":
        sched = cls(base_learning_rate=base, **kwargs)
    elif cls_name == "NoamDecay":
        sched = cls(learning_rate=base, **kwargs)
    elif cls_name == "PiecewiseDecay":
        sched = cls(**kwargs)
    else:
        sched = cls(base, **kwargs)
    lrs = [float(sched())]
    for _ in range(n - 1):
        sched.step()
        lrs.append(float(sched()))
    return lrs


@pytest.mark.parametrize("case", PADDLE, ids=_label)
def test_paddle_dialect_matches_paddle(case, paddle):
    name, cls_name, kwargs = case
    n = kwargs["total_steps"] + 1 if cls_name == "OneCycleLR" else N  # Paddle stops there
    s = create(f"paddle:{name}", LR, **kwargs)
    _assert_same([s(t) for t in range(n)], _paddle_lrs(paddle, cls_name, kwargs, n), name)


def test_paddle_linear_warmup_over_a_scheduler(paddle):
    inner = paddle.optimizer.lr.CosineAnnealingDecay(LR, T_max=12, eta_min=0.001)
    sched = paddle.optimizer.lr.LinearWarmup(inner, warmup_steps=5, start_lr=0.0, end_lr=LR)
    theirs = []
    for _ in range(N):
        theirs.append(float(sched()))
        sched.step()
    after = {"name": "paddle:cosine", "params": {"T_max": 12, "eta_min": 0.001}}
    s = create("paddle:linear-warmup", LR, warmup_steps=5, start_lr=0.0, end_lr=LR, after=after)
    _assert_same([s(t) for t in range(N)], theirs, "linear-warmup over cosine")


METRICS = [5.0, 4.0, 4.0, 4.0, 4.5, 3.0, 3.0, 3.1, 2.0, 2.5, 2.5, 2.5, 2.5, 1.0, 1.0, 1.0, 1.2]
PLATEAUS = [
    {"patience": 1, "cooldown": 2, "factor": 0.5},
    {"patience": 0, "cooldown": 3, "factor": 0.5, "threshold_mode": "abs", "threshold": 0.2},
    {"mode": "max", "patience": 1, "factor": 0.25, "min_lr": 0.01, "epsilon": 1e-3},
]


@pytest.mark.parametrize("kwargs", PLATEAUS)
def test_paddle_reduce_on_plateau_matches_paddle(kwargs, paddle):
    metrics = [-m for m in METRICS] if kwargs.get("mode") == "max" else METRICS
    sched = paddle.optimizer.lr.ReduceOnPlateau(LR, **kwargs)
    ours = create("paddle:reduce-on-plateau", LR, **kwargs)
    theirs, got = [], []
    for m in metrics:
        sched.step(m)
        theirs.append(float(sched()))
        got.append(ours.step(m))
    _assert_same(got, theirs, f"reduce-on-plateau {kwargs}")


def test_plateau_cooldown_is_where_paddle_and_torch_differ(paddle):
    """During cooldown torch still records a better metric; Paddle ignores it (issue 13)."""
    kwargs = {"patience": 1, "cooldown": 2, "factor": 0.5}
    metrics = [1.0, 1.0, 1.0, 0.5, 0.9, 0.9, 0.9, 0.9]
    plain = create("reduce-on-plateau", LR, **kwargs)
    dialect = create("paddle:reduce-on-plateau", LR, **kwargs)
    sched = paddle.optimizer.lr.ReduceOnPlateau(LR, **kwargs)
    paddle_lrs, plain_lrs, dialect_lrs = [], [], []
    for m in metrics:
        sched.step(m)
        paddle_lrs.append(float(sched()))
        plain_lrs.append(plain.step(m))
        dialect_lrs.append(dialect.step(m))
    _assert_same(dialect_lrs, paddle_lrs, "paddle:reduce-on-plateau")
    assert plain_lrs != paddle_lrs


def _keras_lrs(keras, cls_name: str, kwargs: dict, n: int, base: float = LR) -> list[float]:
    sched = getattr(keras.optimizers.schedules, cls_name)
    if cls_name == "PiecewiseConstantDecay":
        sched = sched(**kwargs)
    else:
        sched = sched(base, **kwargs)
    return [float(keras.ops.convert_to_numpy(sched(t))) for t in range(n)]


@pytest.mark.parametrize("case", KERAS, ids=_label)
def test_keras_dialect_matches_keras(case, keras):
    name, cls_name, kwargs = case
    s = create(f"keras:{name}", LR, **kwargs)
    _assert_same([s(t) for t in range(N)], _keras_lrs(keras, cls_name, kwargs, N), name)


def test_keras_cosine_warmup_from_zero(keras):
    kwargs = {"decay_steps": 8, "warmup_target": 0.2, "warmup_steps": 4, "alpha": 0.1}
    s = create("keras:cosine", 0.0, **kwargs)
    _assert_same([s(t) for t in range(N)], _keras_lrs(keras, "CosineDecay", kwargs, N, 0.0), "")


@pytest.mark.parametrize(
    ("plain", "params", "cls_name", "kwargs"),
    [
        ("piecewise", {"boundaries": [3, 7], "values": [0.1, 0.05, 0.01]},
         "PiecewiseConstantDecay", {"boundaries": [3, 7], "values": [0.1, 0.05, 0.01]}),
        ("cosine", {"T_max": 10}, "CosineDecay", {"decay_steps": 10}),
        ("cosine-restarts", {"T_0": 3, "T_mult": 2}, "CosineDecayRestarts",
         {"first_decay_steps": 3, "t_mul": 2.0, "m_mul": 0.5}),
    ],
)  # fmt: skip
def test_the_plain_name_differs_from_keras_where_the_issue_says(
    plain, params, cls_name, kwargs, keras
):
    s = create(plain, LR, **params)
    theirs = _keras_lrs(keras, cls_name, kwargs, N)
    assert any(not math.isclose(s(t), b, rel_tol=1e-6) for t, b in enumerate(theirs))


def test_every_dialect_name_is_checked_here():
    paddle_names = {f"paddle:{n}" for n, _, _ in PADDLE} | {"paddle:reduce-on-plateau"}
    assert paddle_names == set(names("paddle"))
    assert {f"keras:{n}" for n, _, _ in KERAS} == set(names("keras"))
