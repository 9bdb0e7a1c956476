"""Registry-driven checks: every registered schedule builds, pickles and gives sane rates."""

from __future__ import annotations

import math
import pickle

import pytest

from optarena import schedules
from optarena.schedules import Schedule, create, names

# Example parameters per registered name: a new entry without a row here fails the test.
EXAMPLES: dict[str, dict] = {
    "constant": {},
    "step": {"step_size": 10},
    "multistep": {"milestones": [10, 30]},
    "exponential": {"gamma": 0.95},
    "natural-exp": {"gamma": 0.05},
    "inverse-time": {"gamma": 0.1},
    "polynomial": {"decay_steps": 40, "cycle": True},
    "piecewise": {"boundaries": [10, 20], "values": [0.1, 0.05, 0.01]},
    "lambda": {"lr_lambda": "math:exp"},
    "multiplicative": {"factor": 0.97},
    "noam": {"d_model": 64, "warmup_steps": 10},
    "cosine": {"T_max": 40, "eta_min": 1e-4},
    "cosine-restarts": {"T_0": 10, "T_mult": 2, "eta_min": 1e-4},
    "linear-warmup": {
        "warmup_steps": 5,
        "start_lr": 0.01,
        "after": {"name": "step", "params": {"step_size": 10}},
    },
    "one-cycle": {"total_steps": 50},
    "clr": {"max_lr": 0.5, "step_size": 5},
    "adjust-lr": {},
    "warmup-cosine": {"warmup_steps": 5, "total_steps": 50, "min_lr": 1e-4},
    "wsd": {"warmup_steps": 5, "total_steps": 50, "min_lr": 1e-4},
    "reduce-on-plateau": {"patience": 2},
    "sequential": {
        "schedules": ["constant", {"name": "cosine", "params": {"T_max": 80}}],
        "milestones": [5],
    },
    "chained": {"schedules": [{"name": "exponential", "params": {"gamma": 0.99}}, "constant"]},
    "linear-lr": {"total_iters": 10},
    "constant-lr": {"factor": 0.5, "total_iters": 10},
    "polynomial-lr": {"total_iters": 100, "power": 2.0},
}
ZERO_AT_START = {"noam", "warmup-cosine", "wsd"}  # documented: warm-up from 0 at t = 0
ISSUE_NAMES = set(EXAMPLES)


def test_every_issue_name_is_registered():
    assert ISSUE_NAMES <= set(names())


@pytest.mark.parametrize("name", names())
def test_builds_pickles_and_is_finite(name):
    assert name in EXAMPLES, f"add example parameters for the new schedule {name!r}"
    s = create(name, 0.1, **EXAMPLES[name])
    assert isinstance(s, Schedule)
    assert isinstance(s.metric_driven, bool)
    assert s.metric_driven == (name == "reduce-on-plateau")
    rates = [s(t) for t in range(60)]
    assert all(isinstance(r, float) and math.isfinite(r) for r in rates)
    assert all(r > 0 for t, r in enumerate(rates) if t > 0 or name not in ZERO_AT_START)
    clone = pickle.loads(pickle.dumps(s))
    assert [clone(t) for t in range(60)] == rates
    assert clone == s
    config = s.config()
    assert config["name"] == name
    rebuilt = schedules.from_config(config)
    assert [rebuilt(t) for t in range(60)] == rates


@pytest.mark.parametrize("name", sorted(set(names()) - {"reduce-on-plateau"}))
def test_frozen(name):
    s = create(name, 0.1, **EXAMPLES[name])
    with pytest.raises(AttributeError):
        s.base_lr = 1.0
    assert hash(s) == hash(create(name, 0.1, **EXAMPLES[name]))


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match="did you mean 'cosine'"):
        create("cosin", 0.1, T_max=3)


def test_unknown_parameter_lists_accepted():
    with pytest.raises(ValueError, match=r"no parameter 'stepsize'.*accepted: step_size, gamma"):
        create("step", 0.1, stepsize=3)


def test_missing_parameter_is_named():
    with pytest.raises(ValueError, match="'cosine' needs 'T_max'"):
        create("cosine", 0.1)


def test_catalog_rows():
    rows = schedules.catalog()
    assert [row["name"] for row in rows] == names()
    by_name = {row["name"]: row for row in rows}
    assert by_name["step"]["parameters"] == "step_size, gamma=0.1"
    assert "torch StepLR" in by_name["step"]["follows"]
    assert "patience=10" in by_name["reduce-on-plateau"]["parameters"]


def test_register_user_schedule_and_decorator():
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class Halving(Schedule):
        every: int = 4

        def _lr(self, t):
            return self.base_lr * 0.5 ** (t // self.every)

    schedules.register("test-halving", Halving, follows="a test")
    try:
        s = create("test-halving", 0.2, every=2)
        assert [s(t) for t in range(5)] == [0.2, 0.2, 0.1, 0.1, 0.05]
        with pytest.raises(ValueError, match="already registered"):
            schedules.register("test-halving", Halving)
        with pytest.raises(ValueError, match="no parameter 'often'"):
            create("test-halving", 0.2, often=2)
    finally:
        schedules.registry._REGISTRY.remove("test-halving")

    @schedules.register("test-flat", follows="a test")
    def flat(base_lr: float) -> Schedule:
        return create("constant", base_lr)

    try:
        assert create("test-flat", 0.3)(9) == 0.3
    finally:
        schedules.registry._REGISTRY.remove("test-flat")


def test_module_callable_paths():
    s = create("optarena.schedules.decay:StepDecay", 0.1, step_size=2)
    assert s(2) == pytest.approx(0.01, rel=1e-15)
    with pytest.raises(ValueError, match="must build an optarena.schedules.Schedule"):
        create("math:sqrt", 0.1)
    with pytest.raises(ValueError, match="cannot import module"):
        create("no_such_module_xyz:f", 0.1)


def test_count_must_be_a_non_negative_integer():
    s = create("constant", 0.1)
    for bad in (-1, 1.5, "3", True):
        with pytest.raises(ValueError, match="count t"):
            s(bad)
