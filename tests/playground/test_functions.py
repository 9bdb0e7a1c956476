"""The 2-D test functions: formulas, known minima, saddle."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from optarena.playground import FUNCTIONS, get, names

REFERENCE = {  # the textbook formulas, in plain Python
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    "rastrigin": lambda x, y: 20 + sum(v * v - 10 * math.cos(2 * math.pi * v) for v in (x, y)),
    "beale": lambda x, y: (
        (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2
    ),
    "himmelblau": lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
    "saddle": lambda x, y: x * x - y * y,
}


def grad_at(f, point):
    p = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    f(p[0], p[1]).backward()
    return p.grad


def test_registry_names_and_unknown_name():
    assert names() == sorted(REFERENCE)
    with pytest.raises(ValueError, match="did you mean 'rosenbrock'"):
        get("rosenbrok")


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_formula_matches_reference(name):
    f = get(name)
    rng = np.random.default_rng(1)
    (x_lo, x_hi), (y_lo, y_hi) = f.bounds
    for x, y in zip(rng.uniform(x_lo, x_hi, 20), rng.uniform(y_lo, y_hi, 20), strict=True):
        got = float(f(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)))
        assert got == pytest.approx(REFERENCE[name](x, y), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_gradient_vanishes_at_known_minima_and_saddles(name):
    f = get(name)
    for point in f.minima + f.saddle_points:
        assert torch.linalg.norm(grad_at(f, point)) < 1e-9, point
    for point in f.minima:  # global minima: value 0, nothing lower on a fine grid
        assert float(f(*torch.tensor(point, dtype=torch.float64))) == pytest.approx(0, abs=1e-20)
        (x_lo, x_hi), (y_lo, y_hi) = f.bounds
        gx, gy = torch.meshgrid(
            torch.linspace(x_lo, x_hi, 201, dtype=torch.float64),
            torch.linspace(y_lo, y_hi, 201, dtype=torch.float64),
            indexing="xy",
        )
        assert float(f(gx, gy).min()) >= 0


def test_himmelblau_has_four_distinct_minima_and_saddle_is_indefinite():
    assert len(FUNCTIONS["himmelblau"].minima) == 4
    saddle = get("saddle")
    assert saddle.minima == () and saddle.saddle_points == ((0.0, 0.0),)
    hess = torch.autograd.functional.hessian(
        lambda p: saddle(p[0], p[1]), torch.zeros(2, dtype=torch.float64)
    )
    assert torch.equal(hess, torch.tensor([[2.0, 0.0], [0.0, -2.0]], dtype=torch.float64))


def test_every_default_start_lies_inside_its_bounds():
    for f in FUNCTIONS.values():
        (x_lo, x_hi), (y_lo, y_hi) = f.bounds
        assert x_lo < f.start[0] < x_hi and y_lo < f.start[1] < y_hi and f.steps > 0
