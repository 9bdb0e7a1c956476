"""``optarena demo``: runs every registered optimizer; numbers checked against closed forms."""

from __future__ import annotations

import json
import math

import pytest
import torch

from optarena import optim
from optarena.cli import main
from optarena.cli.demo_cmd import ill_conditioned_quadratic


def _invoke(args: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code in (0, None)
    return capsys.readouterr().out


def test_demo_json_covers_the_registry_and_matches_gradient_descent(capsys):
    steps = 25
    rows = json.loads(_invoke(["demo", "--steps", str(steps), "--format", "json"], capsys))
    assert sorted(r["name"] for r in rows) == optim.names()

    # plain SGD on a quadratic is gradient descent: x_T - x* = (I - lr A)^T (x0 - x*)
    a, x_star, x0 = ill_conditioned_quadratic()
    lr = optim.spec("sgd").defaults["lr"]
    d = torch.linalg.matrix_power(torch.eye(len(x0), dtype=a.dtype) - lr * a, steps) @ (x0 - x_star)
    sgd = next(r for r in rows if r["name"] == "sgd")
    assert sgd["lr"] == lr
    assert sgd["quadratic"] == pytest.approx(float(0.5 * d @ a @ d), rel=1e-9)

    # sorted: runs without divergence first, then by mean log10 final loss
    def score(r):
        losses = [r["quadratic"], r["rosenbrock"]]
        finite = [v for v in losses if v is not None]
        return (2 - len(finite), sum(math.log10(max(v, 1e-300)) for v in finite) / len(finite))

    scores = [score(r) for r in rows]
    assert scores == sorted(scores)


def test_demo_table(capsys):
    out = _invoke(["demo", "--steps", "5"], capsys)
    assert "optarena demo" in out and "rosenbrock" in out and "schedule-fre" in out  # rich may wrap


def test_demo_rejects_bad_steps(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--steps", "0"])
    assert exit_info.value.code == 2
