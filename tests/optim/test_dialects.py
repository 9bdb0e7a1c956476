"""The paddle:/keras: optimizer dialects as registry entries (no framework needed): they build,
reduce a quadratic, round-trip their state, reject bad values, and the plain names warn once on
framework spellings (issue 13)."""

from __future__ import annotations

import copy
import json
import math
import warnings

import pytest
import torch
from typer.testing import CliRunner

from optarena import optim
from optarena.cli import app, main
from optarena.optim import registry

DIALECT_NAMES = optim.names("paddle") + optim.names("keras")


def _params(quadratic, dtype=torch.float64) -> list[torch.Tensor]:
    return [(c + 0.5).to(dtype).requires_grad_(True) for c in quadratic.centers]


def _run(opt, params, loss_fn, steps: int) -> float:
    def closure() -> torch.Tensor:  # for closure-driven entries (paddle:lbfgs)
        opt.zero_grad()
        loss = loss_fn(params)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.zero_grad()
        loss_fn(params).backward()
        opt.step(closure if isinstance(opt, torch.optim.LBFGS) else None)
    with torch.no_grad():
        return float(loss_fn(params))


def test_both_dialects_are_listed_apart_from_the_plain_names():
    assert "paddle:rmsprop" in optim.names("paddle") and "keras:adam" in optim.names("keras")
    assert not any(":" in n for n in optim.names())
    assert [r["name"] for r in optim.catalog("keras")] == optim.names("keras")
    with pytest.raises(ValueError, match="unknown dialect 'tf'"):
        optim.names("tf")
    with pytest.raises(ValueError, match="did you mean 'paddle:adam'"):
        optim.spec("paddle:adm")


@pytest.mark.parametrize("name", DIALECT_NAMES)
def test_reduces_a_quadratic_and_round_trips_state(name, quadratic):
    params = _params(quadratic)
    with torch.no_grad():
        initial = float(quadratic(params))
    lr = {"paddle:adadelta": 1.0, "keras:adadelta": 1.0, "keras:ftrl": 1.0}.get(name, 0.05)
    opt = optim.create(name, params, lr=lr)
    final = _run(opt, params, quadratic, 100)
    assert math.isfinite(final) and final < 0.9 * initial, (name, initial, final)
    saved = copy.deepcopy(opt.state_dict())
    fresh = [p.detach().clone().requires_grad_(True) for p in params]
    restored = optim.create(name, fresh, lr=lr)
    restored.load_state_dict(saved)
    _run(opt, params, quadratic, 3)
    _run(restored, fresh, quadratic, 3)
    for a, b in zip(params, fresh, strict=True):
        assert torch.equal(a, b), name


@pytest.mark.parametrize("name", DIALECT_NAMES)
def test_rejects_bad_values(name):
    w = [torch.zeros(2, requires_grad=True)]
    for bad in ({"lr": -1.0}, {"no_such_hparam": 1}, {"learning_rate": "fast"}):
        with pytest.raises(ValueError):
            optim.create(name, w, **bad)


def test_framework_spellings_are_translated_per_dialect():
    w = [torch.zeros(2, requires_grad=True)]
    paddle = optim.create("paddle:adam", w, learning_rate=0.1, beta1=0.5, epsilon=1e-3)
    keras = optim.create("keras:adam", w, learning_rate=0.1, beta_2=0.5, epsilon=1e-3)
    assert paddle.defaults["betas"] == (0.5, 0.999) and paddle.defaults["eps"] == 1e-3
    assert keras.defaults["betas"] == (0.9, 0.5) and keras.defaults["lr"] == 0.1
    lamb = optim.create("paddle:lamb", w, lamb_weight_decay=0.0)
    assert lamb.defaults["weight_decay"] == 0.0


def test_a_plain_name_warns_once_which_rule_runs():
    w = [torch.zeros(2, requires_grad=True)]
    registry._WARNED.discard("adamax")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optim.create("adamax", w, epsilon=1e-3)
        optim.create("adamax", w, epsilon=1e-3)
        optim.create("paddle:adamax", w, epsilon=1e-3)
    texts = [str(c.message) for c in caught if "adamax" in str(c.message)]
    assert len(texts) == 1
    assert "'epsilon'" in texts[0] and "'paddle:adamax' or 'keras:adamax'" in texts[0]


def test_cli_lists_a_dialect(capsys):
    runner = CliRunner()
    result = runner.invoke(app, ["list", "optimizers", "--dialect", "keras", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == optim.names("keras")
    result = runner.invoke(app, ["list", "schedules", "--dialect", "paddle", "--format", "json"])
    assert "paddle:reduce-on-plateau" in json.loads(result.stdout)
    with pytest.raises(SystemExit) as exit_info:
        main(["list", "models", "--dialect", "paddle"])
    assert exit_info.value.code == 2
    assert "optimizers and schedules only" in capsys.readouterr().err
