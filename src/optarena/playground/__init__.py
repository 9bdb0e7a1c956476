"""The 2-D optimizer playground: test functions, trajectories, contour plots and animations."""

from optarena.playground.functions import FUNCTIONS, TestFunction, catalog, get, names
from optarena.playground.plot import plot_playground
from optarena.playground.trajectories import resolve_lr, trajectory

__all__ = [
    "FUNCTIONS",
    "TestFunction",
    "catalog",
    "get",
    "names",
    "plot_playground",
    "resolve_lr",
    "trajectory",
]
