"""Two-dimensional test functions with known minima, written as torch functions.

Definitions follow the usual optimisation test-function references (Jamil & Yang 2013, "A
literature survey of benchmark functions for global optimization problems"; Himmelblau 1972):

- ``rosenbrock``: ``(a - x)^2 + b (y - x^2)^2`` with ``a = 1, b = 100``; minimum ``(1, 1)``.
- ``rastrigin``: ``2A + sum(v^2 - A cos(2 pi v))`` with ``A = 10``; minimum ``(0, 0)``, many local
  minima on the integer grid.
- ``beale``: ``(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2``;
  minimum ``(3, 0.5)``.
- ``himmelblau``: ``(x^2 + y - 11)^2 + (x + y^2 - 7)^2``; four minima, all with value 0.
- ``saddle``: ``x^2 - y^2``; no minimum, a saddle point at the origin (shows escape).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from optarena.errors import unknown_name

Point = tuple[float, float]


@dataclass(frozen=True)
class TestFunction:
    """A named 2-D function with what the playground needs to draw it."""

    __test__ = False  # not a pytest test class

    name: str
    fn: Callable[[Tensor, Tensor], Tensor]
    minima: tuple[Point, ...]
    start: Point
    bounds: tuple[Point, Point]  # ((x_min, x_max), (y_min, y_max))
    steps: int
    log_levels: bool  # contour levels spaced logarithmically (functions spanning decades)
    saddle_points: tuple[Point, ...] = ()
    description: str = ""

    def __call__(self, x: Tensor, y: Tensor) -> Tensor:
        return self.fn(x, y)


def _rosenbrock(x: Tensor, y: Tensor, a: float = 1.0, b: float = 100.0) -> Tensor:
    return (a - x) ** 2 + b * (y - x**2) ** 2


def _rastrigin(x: Tensor, y: Tensor, A: float = 10.0) -> Tensor:
    return 2 * A + x**2 - A * torch.cos(2 * math.pi * x) + y**2 - A * torch.cos(2 * math.pi * y)


def _beale(x: Tensor, y: Tensor) -> Tensor:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _himmelblau(x: Tensor, y: Tensor) -> Tensor:
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _saddle(x: Tensor, y: Tensor) -> Tensor:
    return x**2 - y**2


FUNCTIONS: dict[str, TestFunction] = {
    f.name: f
    for f in (
        TestFunction(
            "rosenbrock",
            _rosenbrock,
            ((1.0, 1.0),),
            start=(-1.5, 2.0),
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            steps=1000,
            log_levels=True,
            description="banana valley, a=1, b=100",
        ),
        TestFunction(
            "rastrigin",
            _rastrigin,
            ((0.0, 0.0),),
            start=(-2.2, 3.3),
            bounds=((-5.12, 5.12), (-5.12, 5.12)),
            steps=300,
            log_levels=False,
            description="many local minima, A=10",
        ),
        TestFunction(
            "beale",
            _beale,
            ((3.0, 0.5),),
            start=(1.0, 1.5),
            bounds=((-4.5, 4.5), (-4.5, 4.5)),
            steps=1000,
            log_levels=True,
            description="flat plateaus and sharp ridges",
        ),
        TestFunction(
            "himmelblau",
            _himmelblau,
            (
                (3.0, 2.0),
                (-2.805118086952745, 3.131312518250573),
                (-3.779310253377747, -3.283185991286170),
                (3.584428340330492, -1.848126526964404),
            ),
            start=(0.0, 0.0),
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            steps=300,
            log_levels=True,
            description="four minima of equal value",
        ),
        TestFunction(
            "saddle",
            _saddle,
            (),
            start=(1.5, 0.05),
            bounds=((-2.0, 2.0), (-2.0, 2.0)),
            steps=200,
            log_levels=False,
            saddle_points=((0.0, 0.0),),
            description="x^2 - y^2: no minimum, a saddle at the origin",
        ),
    )
}


def names() -> list[str]:
    return sorted(FUNCTIONS)


def get(name: str | TestFunction) -> TestFunction:
    """The function called ``name`` (or ``name`` itself when it is already one)."""
    if isinstance(name, TestFunction):
        return name
    try:
        return FUNCTIONS[name]
    except KeyError:
        raise unknown_name("test function", name, FUNCTIONS) from None


def catalog() -> list[dict]:
    return [
        {
            "name": f.name,
            "minima": f.minima,
            "start": f.start,
            "steps": f.steps,
            "description": f.description,
        }
        for f in FUNCTIONS.values()
    ]
