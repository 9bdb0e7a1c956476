"""Bad arguments raise ValueError with a message naming the problem, when the schedule is built."""

from __future__ import annotations

import pytest

from optarena.schedules import create

BAD = [
    ("constant", {}, -0.1, "base_lr must be > 0"),
    ("constant", {}, float("nan"), "base_lr must be finite"),
    ("step", {"step_size": 0}, 0.1, "step_size must be >= 1"),
    ("step", {"step_size": -3}, 0.1, "step_size must be >= 1"),
    ("step", {"step_size": 2.5}, 0.1, "step_size must be an integer"),
    ("step", {"step_size": 3, "gamma": 0}, 0.1, "gamma must be > 0"),
    ("step", {"step_size": 3, "gamma": -0.5}, 0.1, "gamma must be > 0"),
    ("multistep", {"milestones": [30, 10]}, 0.1, "non-decreasing"),
    ("multistep", {"milestones": []}, 0.1, "must not be empty"),
    ("multistep", {"milestones": 10}, 0.1, "must be a list"),
    ("exponential", {}, 0.1, "needs gamma"),
    ("exponential", {"gamma": 0.9, "decay_steps": 3, "decay_rate": 0.9}, 0.1, "not both"),
    ("exponential", {"decay_rate": 0.9}, 0.1, "needs both decay_rate and decay_steps"),
    ("exponential", {"gamma": 0.9, "staircase": True}, 0.1, "only to the Keras form"),
    ("exponential", {"decay_rate": 0.9, "decay_steps": 0}, 0.1, "decay_steps must be >= 1"),
    ("natural-exp", {"gamma": 0}, 0.1, "gamma must be > 0"),
    ("inverse-time", {"gamma": -1}, 0.1, "gamma must be > 0"),
    ("polynomial", {"decay_steps": 0}, 0.1, "decay_steps must be >= 1"),
    ("polynomial", {"decay_steps": 5, "power": 0}, 0.1, "power must be > 0"),
    ("polynomial", {"decay_steps": 5, "cycle": "yes"}, 0.1, "cycle must be true or false"),
    ("piecewise", {"boundaries": [10], "values": [0.1]}, 0.1, "one more value than boundaries"),
    ("piecewise", {"boundaries": [20, 10], "values": [1, 2, 3]}, 0.1, "strictly increasing"),
    ("lambda", {"lr_lambda": 3}, 0.1, "lr_lambda must be callable"),
    ("lambda", {"lr_lambda": "math:nope"}, 0.1, "has no attribute"),
    ("multiplicative", {"factor": 0}, 0.1, "factor must be > 0"),
    ("noam", {"d_model": 0, "warmup_steps": 4}, 1.0, "d_model must be > 0"),
    ("noam", {"d_model": 8, "warmup_steps": 0}, 1.0, "warmup_steps must be >= 1"),
    ("cosine", {"T_max": 0}, 0.1, "T_max must be >= 1"),
    ("cosine", {"T_max": 5, "eta_min": -1}, 0.1, "eta_min must be >= 0"),
    ("cosine-restarts", {"T_0": 0}, 0.1, "T_0 must be >= 1"),
    ("cosine-restarts", {"T_0": 3, "T_mult": 0}, 0.1, "T_mult must be >= 1"),
    ("linear-warmup", {"warmup_steps": 0}, 0.1, "warmup_steps must be >= 1"),
    ("linear-warmup", {"warmup_steps": 3, "after": "cosin"}, 0.1, "did you mean 'cosine'"),
    ("linear-warmup", {"warmup_steps": 3, "after": {"params": {}}}, 0.1, "needs 'name'"),
    ("linear-warmup", {"warmup_steps": 3, "after": "reduce-on-plateau"}, 0.1, "metric-driven"),
    ("linear-warmup", {"warmup_steps": 3, "after": [1]}, 0.1, "after must be"),
    ("one-cycle", {"total_steps": 0}, 0.1, "total_steps must be >= 2"),
    ("one-cycle", {"total_steps": 10, "pct_start": 1.0}, 0.1, "pct_start \\* total_steps"),
    ("one-cycle", {"total_steps": 10, "anneal_strategy": "exp"}, 0.1, "anneal_strategy must"),
    ("clr", {"max_lr": 0.05}, 0.1, "max_lr .* must be >= base_lr"),
    ("clr", {"max_lr": 1.0, "mode": "triangle"}, 0.1, "mode must be one of"),
    ("clr", {"max_lr": 1.0, "step_size": 0}, 0.1, "step_size must be >= 1"),
    ("adjust-lr", {"every": 0}, 0.1, "every must be >= 1"),
    ("warmup-cosine", {"warmup_steps": 20, "total_steps": 10}, 0.1, "must be < total_steps"),
    ("warmup-cosine", {"warmup_steps": 2, "total_steps": 10, "min_lr": 1}, 0.1, "min_lr"),
    ("wsd", {"warmup_steps": 20, "total_steps": 10}, 0.1, "must be < total_steps"),
    ("wsd", {"warmup_steps": 2, "total_steps": 10, "decay_frac": 0}, 0.1, "decay_frac"),
    ("wsd", {"warmup_steps": 9, "total_steps": 10, "decay_frac": 0.5}, 0.1, "exceed total"),
    ("reduce-on-plateau", {"mode": "avg"}, 0.1, "mode must be one of 'min', 'max'"),
    ("reduce-on-plateau", {"factor": 1.0}, 0.1, "factor must be < 1"),
    ("reduce-on-plateau", {"threshold_mode": "pct"}, 0.1, "threshold_mode must be one of"),
    ("reduce-on-plateau", {"patience": -1}, 0.1, "patience must be >= 0"),
    ("reduce-on-plateau", {"cooldown": 1.5}, 0.1, "cooldown must be an integer"),
]


@pytest.mark.parametrize(("name", "params", "base_lr", "message"), BAD)
def test_bad_arguments_raise_value_error(name, params, base_lr, message):
    with pytest.raises(ValueError, match=message):
        create(name, base_lr, **params)
