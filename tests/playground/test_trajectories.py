"""Trajectories through optarena.optim: closed forms, convergence, divergence."""

from __future__ import annotations

import numpy as np
import pytest

from optarena import optim
from optarena.playground import get, trajectory


def test_sgd_on_the_saddle_follows_the_closed_form():
    # f = x^2 - y^2: x <- x (1 - 2 lr), y <- y (1 + 2 lr); the run escapes along y
    lr, steps = 0.05, 40
    traj = trajectory("saddle", "sgd", lr=lr, steps=steps)
    t = np.arange(steps + 1)
    x0, y0 = get("saddle").start
    expected = np.stack([x0 * (1 - 2 * lr) ** t, y0 * (1 + 2 * lr) ** t], axis=1)
    assert traj.shape == (steps + 1, 2) and traj.dtype == np.float64
    np.testing.assert_allclose(traj, expected, rtol=1e-12)


def test_default_lr_is_the_registered_one_and_start_steps_are_honoured():
    default = optim.spec("adam").defaults["lr"]
    a = trajectory("himmelblau", "adam", steps=15, start=(1.0, -1.0))
    b = trajectory("himmelblau", "adam", lr=default, steps=15, start=(1.0, -1.0))
    assert a.shape == (16, 2) and np.array_equal(a, b) and tuple(a[0]) == (1.0, -1.0)
    assert trajectory("beale", "sgd", lr=1e-4).shape == (get("beale").steps + 1, 2)


@pytest.mark.parametrize(
    ("name", "hparams", "steps"),
    [("adam", {"lr": 0.05}, 2000), ("momentum", {"lr": 2e-3, "momentum": 0.9}, 1000)],
)
def test_adam_and_momentum_reach_the_rosenbrock_minimum(name, hparams, steps):
    traj = trajectory("rosenbrock", name, steps=steps, **hparams)
    assert traj.shape == (steps + 1, 2)
    # from (-1.5, 2) along the banana valley to (1, 1): within 1e-3 in each coordinate
    np.testing.assert_allclose(traj[-1], [1.0, 1.0], atol=1e-3)


def test_a_diverging_run_stops_and_keeps_its_finite_prefix():
    traj = trajectory("rosenbrock", "sgd", lr=0.05, steps=500)
    assert 1 < len(traj) < 501 and np.all(np.isfinite(traj))
    assert np.abs(traj[-1]).max() > 10


def test_bad_input_is_a_value_error():
    with pytest.raises(ValueError, match="did you mean 'adam'"):
        trajectory("rosenbrock", "adamm", steps=2)
    with pytest.raises(ValueError, match="unknown test function"):
        trajectory("banana", "adam", steps=2)
    with pytest.raises(ValueError, match="lr must be"):
        trajectory("rosenbrock", "adam", lr=-1.0, steps=2)
    with pytest.raises(ValueError, match="start"):
        trajectory("rosenbrock", "adam", start=(1.0, 2.0, 3.0), steps=2)
