"""Study files with parts, task options, ``--smoke`` budgets and wrapper learning rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from optarena.store.hashing import config_hash
from optarena.study import expand, parse_spec
from optarena.study.expand import default_lr, lr_source
from optarena.study.smoke import SMOKE_SUBSET, smoke_budget
from optarena.study.spec import study_parts
from optarena.train import TrialConfig
from optarena.train.materials import resolve_task


def test_a_file_without_parts_is_one_study() -> None:
    raw = {"task": "digits-mlp", "optimizers": ["sgd"]}
    assert study_parts(raw, "s") == [("s", raw)]


def test_parts_override_the_files_keys_and_are_named_after_it() -> None:
    raw = {
        "task": "digits-mlp",
        "optimizers": ["sgd", "adam"],
        "seeds": 2,
        "parts": {"default": {"lrs": "default"}, "fixed": {"lrs": [0.1], "seeds": 1}},
    }
    parts = study_parts(raw, "cmp")
    assert [name for name, _ in parts] == ["cmp.default", "cmp.fixed"]
    specs = [parse_spec(body, name=name) for name, body in parts]
    assert specs[0].lrs == "default" and specs[0].seeds == (0, 1)
    assert specs[1].lrs == (0.1,) and specs[1].seeds == (0,)
    assert all("parts" not in body for _, body in parts)


@pytest.mark.parametrize(
    ("parts", "message"),
    [({}, "is empty"), ({"a": {"parts": {}}}, "cannot hold"), ({"a": 3}, "must be a table")],
)
def test_bad_parts_are_clear_errors(parts: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        study_parts({"task": "digits-mlp", "optimizers": ["sgd"], "parts": parts}, "s")


def test_task_options_reach_the_trials_and_the_task() -> None:
    spec = parse_spec(
        {
            "task": "digits-mlp",
            "optimizers": ["sgd"],
            "image_size": [8, 8],
            "augment": [],
            "model_kwargs": {"hidden": [32]},
            "eval_subset": 64,
        }
    )
    assert spec.task_options == {
        "image_size": [8, 8],
        "augment": [],
        "model_kwargs": {"hidden": [32]},
        "eval_subset": 64,
    }
    (config,) = expand(spec)
    assert config.task_options == spec.task_options
    task = resolve_task(config)
    assert task.model_kwargs["hidden"] == [32] and task.augment == () and task.image_size == [8, 8]
    assert task.eval_subset == 64


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("image_size", 0, "image_size"),
        ("image_size", [1, 2, 3], "image_size"),
        ("augment", ["rotate"], "augment"),
        ("model_kwargs", 3, "model_kwargs"),
        ("eval_subset", 0, "eval_subset"),
        ("eval_subset", True, "eval_subset"),
        ("pretrain", {"optimizer": "adam"}, "pretrain.task"),
        ("pretrain", {"task": "digits-mlp", "epoch": 2}, "did you mean 'epochs'"),
        ("lr_find", {"optimizers": []}, "lr_find.optimizers"),
    ],
)
def test_bad_task_options_are_clear_errors(key: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_spec({"task": "digits-mlp", "optimizers": ["sgd"], key: value})


def test_empty_task_options_keep_the_old_trial_id() -> None:
    config = TrialConfig(task="digits-mlp", optimizer="sgd", lr=0.1)
    legacy = {k: v for k, v in config.identity().items()}
    assert "task_options" not in legacy
    assert config.trial_id == config_hash(legacy)
    changed = config.replace(task_options={"image_size": 16})
    assert changed.identity()["task_options"] == {"image_size": 16}
    assert changed.trial_id != config.trial_id


def test_smoke_cuts_every_budget_and_nothing_else() -> None:
    raw = {
        "task": "digits-mlp",
        "optimizers": ["sgd", "adam"],
        "schedules": {"cosine": {"T_max": 10}},
        "epochs": 50,
        "seeds": 5,
        "subset": 10_000,
        "lrs": "tune",
        "tune": {"trials": 20, "epochs": 9, "sampler": "random"},
        "pretrain": {"task": "digits-mlp", "epochs": 30},
        "lr_find": {"optimizers": ["sgd"], "steps": 100},
    }
    small = smoke_budget(raw)
    assert (small["epochs"], small["seeds"], small["subset"]) == (1, 1, SMOKE_SUBSET)
    assert small["eval_subset"] == SMOKE_SUBSET
    assert small["tune"] == {"trials": 2, "epochs": 1, "sampler": "random"}
    assert small["pretrain"]["epochs"] == 1 and small["lr_find"]["steps"] == 20
    assert small["optimizers"] == raw["optimizers"] and small["schedules"] == raw["schedules"]
    assert smoke_budget({**raw, "subset": 100})["subset"] == 100
    assert smoke_budget({**raw, "eval_subset": 50})["eval_subset"] == 50
    assert raw["epochs"] == 50  # the input is not changed


def test_a_wrapper_steps_at_its_inner_optimizers_default_lr() -> None:
    assert lr_source("lookahead", {"base": "sgd"}) == "sgd"
    assert lr_source("sgd", {"base": "adam"}) == "sgd"  # sgd has no `base`
    assert default_lr("lookahead", {"base": "sgd"}) == default_lr("sgd") == 0.01
    assert default_lr("lookahead") == 0.001
    spec = parse_spec(
        {"task": "digits-mlp", "optimizers": {"lookahead": {"base": "sgd"}}, "lrs": "default"}
    )
    assert [c.lr for c in expand(spec)] == [0.01]


def test_the_shipped_study_files_parse_and_expand(repo_root: Path) -> None:
    from optarena.study import check_names
    from optarena.study.spec import load_toml

    files = sorted((repo_root / "studies").glob("*.toml"))
    assert len(files) >= 7
    for file in files:
        for name, body in study_parts(load_toml(file), file.stem):
            spec = parse_spec(body, name=name)
            check_names(spec)
            if spec.lrs not in ("tune", "auto"):
                assert expand(spec), name
