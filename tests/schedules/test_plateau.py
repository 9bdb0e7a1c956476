"""reduce-on-plateau against torch's ReduceLROnPlateau on the same metric sequences."""

from __future__ import annotations

import math
import pickle
import random

import pytest
from torch.optim.lr_scheduler import ReduceLROnPlateau

from optarena.schedules import create, to_torch


def _metrics(kind: str, n: int = 80) -> list[float]:
    rng = random.Random(kind)
    if kind == "noisy-decrease":
        return [1.0 / (1 + 0.05 * i) + rng.uniform(0, 0.05) for i in range(n)]
    if kind == "plateaus":
        return [round(1.0 - 0.1 * (i // 9), 3) + rng.choice([0.0, 1e-5]) for i in range(n)]
    if kind == "rising":
        return [0.1 * i + rng.uniform(-0.5, 0.5) for i in range(n)]
    return [rng.uniform(0, 1) for _ in range(n)]


PARAMS = [
    {},
    {"patience": 2},
    {"mode": "max", "patience": 3, "factor": 0.5},
    {"threshold_mode": "abs", "threshold": 0.01, "patience": 1},
    {"mode": "max", "threshold_mode": "abs", "threshold": 0.2, "patience": 0},
    {"patience": 1, "cooldown": 3, "factor": 0.3, "min_lr": 0.004},
    {"patience": 0, "factor": 0.5, "min_lr": 0.0999, "eps": 1e-3},
]


@pytest.mark.parametrize("kind", ["noisy-decrease", "plateaus", "rising", "random"])
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
def test_matches_torch(kind, params, make_optimizer):
    opt = make_optimizer(0.1)
    reference = ReduceLROnPlateau(opt, **params)
    s = create("reduce-on-plateau", 0.1, **params)
    assert s.metric_driven and s.lr == 0.1 and s(0) == 0.1
    for metric in _metrics(kind):
        reference.step(metric)
        new = s.step(metric)
        assert math.isclose(new, opt.param_groups[0]["lr"], rel_tol=1e-12), (metric, new)
        assert s.lr == new == s(17)
        assert s.num_bad_epochs == reference.num_bad_epochs
        assert s.cooldown_counter == reference.cooldown_counter


def test_documented_example_by_hand():
    # patience 2: the third call without improvement reduces; cooldown 1 skips the next
    s = create("reduce-on-plateau", 1.0, patience=2, factor=0.5, cooldown=1)
    lrs = [s.step(m) for m in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5]]
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_state_dict_and_pickle_round_trip():
    s = create("reduce-on-plateau", 0.1, patience=1, cooldown=2)
    for metric in [1.0, 0.9, 0.95, 0.97, 0.99]:
        s.step(metric)
    state = s.state_dict()
    fresh = create("reduce-on-plateau", 0.1, patience=1, cooldown=2)
    fresh.load_state_dict(state)
    clone = pickle.loads(pickle.dumps(s))
    for metric in [0.98, 0.97, 0.96, 1.0, 1.0, 1.0, 0.2]:
        assert s.step(metric) == fresh.step(metric) == clone.step(metric)
    with pytest.raises(ValueError, match="lacks"):
        fresh.load_state_dict({"lr": 0.1})


def test_to_torch_steps_like_reduce_lr_on_plateau(make_optimizer):
    metrics = _metrics("plateaus", 40)
    opt_ref, opt = make_optimizer(0.1), make_optimizer(0.5)
    reference = ReduceLROnPlateau(opt_ref, patience=2, factor=0.5)
    s = create("reduce-on-plateau", 0.1, patience=2, factor=0.5)
    scheduler = to_torch(s, opt)
    assert opt.param_groups[0]["lr"] == 0.1  # set to s(0) on construction
    for i, metric in enumerate(metrics):
        reference.step(metric)
        scheduler.step(metric)
        assert opt.param_groups[0]["lr"] == opt_ref.param_groups[0]["lr"] == s.lr
        assert scheduler.get_last_lr() == reference.get_last_lr()
        if i == 20:
            saved = scheduler.state_dict()
    opt2 = make_optimizer(0.1)
    restored = to_torch(create("reduce-on-plateau", 0.1, patience=2, factor=0.5), opt2)
    restored.load_state_dict(saved)
    replay = create("reduce-on-plateau", 0.1, patience=2, factor=0.5)
    for metric in metrics[:21]:
        replay.step(metric)
    for metric in metrics[21:]:
        restored.step(metric)
        assert restored.get_last_lr()[0] == replay.step(metric)
