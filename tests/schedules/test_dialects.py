"""paddle:/keras: schedule dialects as registry entries (no framework needed): each builds,
pickles, round-trips through its config and differs from the plain name where the framework
does (issue 13). The numbers against the frameworks are in tests/frameworks/."""

from __future__ import annotations

import math
import pickle

import pytest

from optarena import schedules
from optarena.schedules import create, names

EXAMPLES: dict[str, dict] = {
    "paddle:step": {"step_size": 3},
    "paddle:multistep": {"milestones": [2, 5]},
    "paddle:exponential": {"gamma": 0.9},
    "paddle:natural-exp": {"gamma": 0.1},
    "paddle:inverse-time": {"gamma": 0.2},
    "paddle:polynomial": {"decay_steps": 30, "cycle": True},
    "paddle:piecewise": {"boundaries": [3], "values": [0.1, 0.01]},
    "paddle:lambda": {"lr_lambda": "optarena.schedules.lambdas:paddle_tutorial"},
    "paddle:multiplicative": {"lr_lambda": "optarena.schedules.lambdas:paddle_tutorial"},
    "paddle:noam": {"d_model": 16, "warmup_steps": 4},
    "paddle:linear-warmup": {"warmup_steps": 4, "start_lr": 0.01, "end_lr": 0.1,
                             "after": {"name": "paddle:cosine", "params": {"T_max": 40}}},
    "paddle:cosine": {"T_max": 20},
    "paddle:cosine-restarts": {"T_0": 4, "T_mult": 2},
    "paddle:one-cycle": {"total_steps": 40, "three_phase": True},
    "paddle:clr": {"max_learning_rate": 0.5, "step_size_up": 3, "step_size_down": 2},
    "paddle:linear-lr": {"total_steps": 5},
    "paddle:reduce-on-plateau": {"patience": 1, "cooldown": 1},
    "keras:exponential": {"decay_steps": 5, "decay_rate": 0.5, "staircase": True},
    "keras:piecewise": {"boundaries": [3], "values": [0.1, 0.01]},
    "keras:polynomial": {"decay_steps": 30, "end_learning_rate": 0.001},
    "keras:inverse-time": {"decay_steps": 5, "decay_rate": 0.5},
    "keras:cosine": {"decay_steps": 20, "alpha": 0.1, "warmup_target": 0.2, "warmup_steps": 3},
    "keras:cosine-restarts": {"first_decay_steps": 4, "t_mul": 1.5, "m_mul": 0.5},
}  # fmt: skip


def test_every_dialect_schedule_has_an_example():
    assert set(EXAMPLES) == set(names("paddle")) | set(names("keras"))
    assert not any(":" in n for n in names())


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_builds_pickles_and_round_trips(name):
    s = create(name, 0.1, **EXAMPLES[name])
    rates = [s(t) for t in range(40)]
    assert all(math.isfinite(r) and r >= 0 for r in rates)
    assert [pickle.loads(pickle.dumps(s))(t) for t in range(40)] == rates
    assert [schedules.from_config(s.config())(t) for t in range(40)] == rates


def test_paddle_plateau_ignores_the_metric_during_cooldown():
    plain = create("reduce-on-plateau", 1.0, patience=0, cooldown=2, factor=0.5)
    paddle = create("paddle:reduce-on-plateau", 1.0, patience=0, cooldown=2, factor=0.5)
    for metric in (1.0, 2.0, 0.1, 0.5):
        plain.step(metric)
        paddle.step(metric)
    assert plain.best == 0.1 and paddle.best == 1.0  # 0.1 came during the cooldown
    assert paddle.config()["name"] == "paddle:reduce-on-plateau"


def test_keras_piecewise_switches_after_the_boundary():
    keras = create("keras:piecewise", 0.1, boundaries=[3], values=[1.0, 2.0])
    plain = create("piecewise", 0.1, boundaries=[3], values=[1.0, 2.0])
    assert [keras(t) for t in (2, 3, 4)] == [1.0, 1.0, 2.0]
    assert [plain(t) for t in (2, 3, 4)] == [1.0, 2.0, 2.0]


def test_keras_cosine_holds_its_floor():
    s = create("keras:cosine", 1.0, decay_steps=10, alpha=0.1)
    assert s(10) == s(25) == pytest.approx(0.1)
    assert create("cosine", 1.0, T_max=10)(15) > 0.4  # the plain cosine rises again


def test_paddle_multistep_keeps_paddles_checks():
    with pytest.raises(ValueError, match="strictly increasing"):
        create("paddle:multistep", 0.1, milestones=[3, 3])
    with pytest.raises(ValueError, match="gamma < 1"):
        create("paddle:multistep", 0.1, milestones=[3], gamma=1.5)
