"""Study specs: TOML schema, grids, overrides, defaults, flags, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from optarena import optim
from optarena.study import DEFAULT_STUDY, check_names, expand, load_spec, parse_spec
from optarena.study.flags import merge_flags

TOML = """
task = "digits-mlp"
seeds = [0, 4]
lrs = [0.1, 0.01]
epochs = 3

[optimizers.adam]
eps = 1e-7
[optimizers.adam.grid]
betas = [[0.9, 0.999], [0.9, 0.99]]

[optimizers.sgd-wd]
optimizer = "sgd"
lrs = [0.5]
opt = { weight_decay = 0.0001 }

[schedules.none]
[schedules.step]
step_size = 2
[schedules.step.grid]
gamma = [0.1, 0.5]
"""


def test_toml_expands_to_the_cartesian_product(tmp_path: Path) -> None:
    path = tmp_path / "grid.toml"
    path.write_text(TOML)
    spec = load_spec(path)
    assert spec.name == "grid"
    trials = expand(spec)
    # adam: 2 betas x (none + 2 step gammas) x 2 lrs x 2 seeds; sgd-wd: 1 x 3 x 1 lr x 2 seeds
    assert len(trials) == 2 * 3 * 2 * 2 + 3 * 2
    assert len({t.trial_id for t in trials}) == len(trials)
    first = trials[0]
    assert (first.optimizer, first.opt, first.schedule, first.lr, first.seed, first.epochs) == (
        "adam",
        {"eps": 1e-7, "betas": [0.9, 0.999]},
        None,
        0.1,
        0,
        3,
    )
    assert [t.seed for t in trials[:4]] == [0, 4, 0, 4]  # seeds innermost
    steps = [t for t in trials if t.schedule == "step"]
    assert {t.sched["gamma"] for t in steps} == {0.1, 0.5}
    assert all(t.sched["step_size"] == 2 for t in steps)
    sgd = [t for t in trials if t.optimizer == "sgd"]
    assert {t.lr for t in sgd} == {0.5} and all(t.opt == {"weight_decay": 0.0001} for t in sgd)
    assert [t.trial_id for t in expand(load_spec(path))] == [t.trial_id for t in trials]


def test_default_lrs_are_the_registered_ones(tiny: dict) -> None:
    spec = parse_spec({**tiny, "optimizers": ["sgd", "adam", "qhm"], "seeds": 2})
    trials = expand(spec)
    assert [(t.optimizer, t.lr, t.seed) for t in trials] == [
        (name, optim.spec(name).defaults["lr"], seed)
        for name in ("sgd", "adam", "qhm")
        for seed in (0, 1)
    ]
    assert all(t.subset == 150 and t.threads == 1 for t in trials)


def test_builtin_default_matches_the_shipped_file() -> None:
    path = Path(__file__).resolve().parents[2] / "studies" / "default.toml"
    assert load_spec(path) == parse_spec(DEFAULT_STUDY, name="default")
    spec = parse_spec(DEFAULT_STUDY)
    check_names(spec)
    assert len(spec.optimizers) >= 8 and len(spec.seeds) == 3 and spec.task == "digits-mlp"


def test_flags_override_the_file() -> None:
    raw = parse_spec(
        merge_flags(
            {"task": "digits-mlp", "optimizers": {"adam": {"eps": 1e-6}}, "seeds": 3},
            {
                "optimizers": "adam,sgd",
                "opt": {"weight_decay": 0.01},
                "seeds": 1,
                "lrs": "0.1,0.01",
                "epochs": None,
                "tune_trials": 5,
            },
        )
    )
    assert [(e.optimizer, e.opt) for e in raw.optimizers] == [
        ("adam", {"eps": 1e-6, "weight_decay": 0.01}),
        ("sgd", {"weight_decay": 0.01}),
    ]
    assert raw.seeds == (0,) and raw.lrs == (0.1, 0.01) and raw.tune.trials == 5
    assert merge_flags({"task": "a"}, {"data": "x/"}) == {"data": "x/"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"optimizers": ["sgd"]}, "exactly one of `task`"),
        ({"task": "digits-mlp"}, "needs `optimizers`"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "sedes": 2}, "did you mean 'seeds'"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "seeds": 0}, "at least 1"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "lrs": "fast"}, "not a learning rate"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "lrs": [-1.0]}, "positive"),
        ({"task": "digits-mlp", "optimizers": {"sgd": {"lr": 0.1}}}, "lrs = [...]"),
        (
            {"task": "digits-mlp", "optimizers": {"sgd": {"grid": {"momentum": 0.9}}}},
            "non-empty list",
        ),
        ({"task": "digits-mlp", "optimizers": ["sgd", "sgd"]}, "more than once"),
        (
            {"task": "digits-mlp", "optimizers": ["sgd"], "schedules": {"none": {"x": 1}}},
            "no parameters",
        ),
        (
            {"task": "digits-mlp", "optimizers": ["sgd"], "tune": {"sampler": "grid"}},
            "tune.sampler",
        ),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "schedule_unit": "batch"}, "schedule_unit"),
    ],
)
def test_bad_specs_get_clear_errors(raw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_spec(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"optimizers": ["adamm"]}, "did you mean 'adam'"),
        ({"optimizers": ["sgd"], "schedules": ["cosinee"]}, "did you mean 'cosine'"),
        ({"optimizers": ["sgd"], "task": "digits-mpl"}, "did you mean 'digits-mlp'"),
    ],
)
def test_unknown_names_suggest(raw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_names(parse_spec({"task": "digits-mlp", **raw}))


def test_bad_hyper_parameter_fails_before_training(tiny: dict) -> None:
    with pytest.raises(ValueError, match="momentum|unexpected"):
        expand(parse_spec({**tiny, "optimizers": {"adam": {"momentum": 0.9}}}))


def test_flag_parameters_with_a_name_prefix_reach_only_that_entry():
    from optarena.study.flags import merge_flags

    raw = merge_flags(
        {},
        {
            "schedules": "cosine,step",
            "sched": {"cosine.T_max": 5, "step.step_size": 2, "eta_min": 0.0},
        },
    )
    assert raw["schedules"] == {
        "cosine": {"T_max": 5, "eta_min": 0.0},
        "step": {"step_size": 2, "eta_min": 0.0},
    }
    with pytest.raises(ValueError, match="'clr' is not one of cosine"):
        merge_flags({}, {"schedules": "cosine", "sched": {"clr.max_lr": 1.0}})
