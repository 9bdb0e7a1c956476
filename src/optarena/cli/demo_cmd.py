"""``optarena demo``: every registered optimizer on two classic test functions, in seconds.

The README's main command runs this until the study runner exists: each optimizer, at its
registered default lr, minimises a rotated ill-conditioned convex quadratic (condition number
100, dimension 10) and the Rosenbrock function (from (-1.2, 1)), in float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # torch is imported when the demo runs, not for `optarena --help`
    import torch
    from rich.console import Console

Objective = Callable[["torch.Tensor"], "torch.Tensor"]


class Format(str, Enum):
    table = "table"
    json = "json"


def ill_conditioned_quadratic(dim: int = 10, condition: float = 100.0) -> tuple[torch.Tensor, ...]:
    """``(A, x_star, x0)``: A = Qᵀ diag(logspace(0, log10 κ)) Q with a fixed random rotation Q,
    minimum at x* = 1, start x0 drawn once from N(0, 1) (seeded)."""
    import torch

    gen = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=gen, dtype=torch.float64))
    eigenvalues = torch.logspace(0.0, math.log10(condition), dim, dtype=torch.float64)
    a = q.T @ torch.diag(eigenvalues) @ q
    x0 = torch.randn(dim, generator=gen, dtype=torch.float64)
    return a, torch.ones(dim, dtype=torch.float64), x0


def objectives() -> dict[str, tuple[Objective, torch.Tensor]]:
    """The demo's functions (minimum value 0) and their starting points."""
    import torch

    a, x_star, x0 = ill_conditioned_quadratic()

    def quadratic(x: torch.Tensor) -> torch.Tensor:
        d = x - x_star
        return 0.5 * d @ (a @ d)

    def rosenbrock(x: torch.Tensor) -> torch.Tensor:
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2

    return {
        "quadratic": (quadratic, x0),
        "rosenbrock": (rosenbrock, torch.tensor([-1.2, 1.0], dtype=torch.float64)),
    }


def minimise(name: str, fn: Objective, x0: torch.Tensor, steps: int, tol: float) -> dict[str, Any]:
    """Run optimizer ``name`` (default hyper-parameters) for ``steps`` steps on ``fn``."""
    import torch

    from optarena import optim

    x = x0.clone().requires_grad_(True)
    optimizer = optim.create(name, [x])

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = fn(x)
        loss.backward()
        return loss

    reached = None
    for step in range(1, steps + 1):
        loss = float(optimizer.step(closure).detach())
        if not math.isfinite(loss) or loss > 1e12:
            return {"loss": math.inf, "steps_to_tol": None, "diverged_at": step}
        if reached is None and loss <= tol:
            reached = step
    if hasattr(optimizer, "eval"):  # schedule-free: report the averaged iterate
        optimizer.eval()
    with torch.no_grad():
        final = float(fn(x))
    return {"loss": final, "steps_to_tol": reached, "diverged_at": None}


def run_demo(steps: int = 300, tol: float = 1e-3, console: Console | None = None) -> list[dict]:
    """One row per registered optimizer, best first (by mean log10 final loss; diverged last)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from optarena import optim

    functions = objectives()
    names = optim.names()
    rows = []
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console or Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("optimizers", total=len(names) * len(functions))
        for name in names:
            row: dict[str, Any] = {"name": name, "lr": optim.spec(name).defaults["lr"]}
            for fname, (fn, x0) in functions.items():
                progress.update(task, description=f"{name} on {fname}")
                result = minimise(name, fn, x0, steps, tol)
                row[fname] = result["loss"]
                row[f"{fname} steps to tol"] = result["steps_to_tol"]
                progress.advance(task)
            rows.append(row)
    rows.sort(key=lambda r: _score(r, list(functions)))
    return rows


def _score(row: dict[str, Any], functions: list[str]) -> tuple[int, float]:
    """(number of diverged runs, mean log10 final loss of the others): smaller is better."""
    finite = [row[f] for f in functions if math.isfinite(row[f])]
    mean_log = sum(math.log10(max(v, 1e-300)) for v in finite) / max(len(finite), 1)
    return (len(functions) - len(finite), mean_log)


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "diverged"
    if value is None:
        return "-"
    return value


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        steps: int = typer.Option(300, "--steps", min=1, help="Steps per optimizer and function."),
        tol: float = typer.Option(1e-3, "--tol", min=0.0, help="Loss that counts as reached."),
        fmt: Format = typer.Option(Format.table, "--format", help="table, or json."),
    ) -> None:
        """Every registered optimizer (default lr) on an ill-conditioned quadratic and Rosenbrock.

        Examples:  optarena demo    optarena demo --steps 1000 --format json
        """
        from optarena.cli.output import print_json, print_table

        rows = run_demo(steps=steps, tol=tol)
        if fmt is Format.json:
            print_json([{k: (None if v == math.inf else v) for k, v in r.items()} for r in rows])
            return
        print_table(
            [{k: _cell(v) for k, v in r.items()} for r in rows],
            title=f"optarena demo: final loss after {steps} steps (tolerance {tol:g})",
        )
