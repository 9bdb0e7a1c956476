"""``optarena lr-find`` (LR range test) and ``optarena playground`` (2-D trajectories)."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from optarena.cli.output import print_json
from optarena.cli.params import parse_params


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _floats(text: str, what: str) -> list[float]:
    try:
        return [float(v) for v in _split(text)]
    except ValueError:
        raise ValueError(f"{what} must be comma-separated numbers, got {text!r}") from None


def _lrs_for(optimizers: list[str], lrs: str | None) -> list[float | None]:
    """One lr per optimizer: none given (registered defaults), one for all, or one each."""
    if lrs is None:
        return [None] * len(optimizers)
    values = _floats(lrs, "--lrs")
    if len(values) == 1:
        return values * len(optimizers)
    if len(values) != len(optimizers):
        raise ValueError(
            f"--lrs has {len(values)} values for {len(optimizers)} optimizers; give one or one each"
        )
    return list(values)


def _check_out(out: Path, suffixes: tuple[str, ...]) -> None:
    if out.suffix.lower() not in suffixes:
        raise ValueError(f"--out must end in {', '.join(suffixes)}, got {out.name!r}")
    if not out.parent.exists():
        raise FileNotFoundError(f"output folder {out.parent} does not exist")


def register(app: typer.Typer) -> None:
    @app.command("lr-find")
    def lr_find(
        task: str = typer.Option(..., "--task", help="Registered task name (optarena list tasks)."),
        optimizer: str = typer.Option(..., "--optimizer", help="Optimizer name or module:Class."),
        opt: list[str] = typer.Option(None, "--opt", help="Optimizer hyper-parameter k=v."),
        data_dir: str = typer.Option(None, "--data-dir", help="Folder holding the dataset."),
        download: bool = typer.Option(False, "--download", help="Fetch the dataset if absent."),
        start: float = typer.Option(1e-7, "--start", help="First learning rate."),
        end: float = typer.Option(
            10.0, "--end", help="Rate the schedule heads to (fastai: not itself tried)."
        ),
        steps: int = typer.Option(100, "--steps", help="Number of mini-batches (one per LR)."),
        batch_size: int = typer.Option(None, "--batch-size", help="Default: the task's."),
        subset: int = typer.Option(None, "--subset", help="Cap each split at N examples."),
        seed: int = typer.Option(0, "--seed", help="Seed of the model init and batch order."),
        out: Path = typer.Option(None, "--out", help="Save the plot (.png, .svg or .pdf)."),
    ) -> None:
        """LR range test (fastai lr_find): prints one JSON line of suggested learning rates.

        Keys: valley, steep, minimum, slide (fastai's rules), suggested, stopped_early.
        suggested is steep kept within minimum to 10*minimum (fastai book: pick between the
        minimum's rate / 10 and the steepest fall), not valley, which lands one to two decades
        low when the loss falls only just before it explodes (e.g. SGD on mnist-cnn).
        The model and optimizer are left untouched.

        Example:  optarena lr-find --task mnist-cnn --optimizer sgd --subset 6400 --out lr.png
        """
        from optarena.lrfind import lr_find_task, plot_lr_find

        if out is not None:
            _check_out(out, (".png", ".svg", ".pdf"))
        result = lr_find_task(
            task,
            optimizer,
            opt=parse_params(opt),
            data_dir=data_dir,
            download=download,
            subset=subset,
            seed=seed,
            batch_size=batch_size,
            start=start,
            end=end,
            steps=steps,
        )
        if out is not None:
            plot_lr_find(result, out, title=f"LR range test: {task}, {optimizer}")
        print_json(result.summary())

    @app.command("playground")
    def playground(
        function: str = typer.Option("rosenbrock", "--function", help="2-D test function."),
        optimizers: str = typer.Option(
            "sgd,momentum,adam", "--optimizers", help="Comma-separated optimizer names."
        ),
        lrs: str = typer.Option(
            None, "--lrs", help="One lr for all, or one per optimizer; default: registered lr."
        ),
        opt: list[str] = typer.Option(None, "--opt", help="k=v passed to every optimizer."),
        steps: int = typer.Option(None, "--steps", help="Steps per optimizer (function default)."),
        start: str = typer.Option(None, "--start", help="Start point 'x,y' (function default)."),
        out: Path = typer.Option(..., "--out", help="Output .png, .svg, .pdf or animated .gif."),
    ) -> None:
        """Optimizer trajectories on a 2-D test function over its contour plot.

        Functions: rosenbrock, rastrigin, beale, himmelblau, saddle. Prints one JSON line with
        each run's learning rate, end point, value and whether it diverged.

        Example:  optarena playground --function rosenbrock --optimizers momentum,adam
                  --lrs 0.002,0.05 --steps 1000 --out rosenbrock.gif
        """
        import torch

        from optarena import optim
        from optarena.playground import get, plot_playground, resolve_lr, trajectory

        f = get(function)
        names = _split(optimizers)
        if not names:
            raise ValueError("--optimizers needs at least one name")
        for name in names:
            optim.spec(name)  # unknown names fail here, with close matches
        rates = [resolve_lr(name, lr) for name, lr in zip(names, _lrs_for(names, lrs), strict=True)]
        point = None if start is None else _floats(start, "--start")
        if point is not None and (len(point) != 2 or not all(map(math.isfinite, point))):
            raise ValueError(f"--start must be two finite numbers 'x,y', got {start!r}")
        steps = f.steps if steps is None else steps
        if steps < 1:
            raise ValueError(f"--steps must be at least 1, got {steps}")
        _check_out(out, (".png", ".svg", ".pdf", ".gif"))
        hparams = parse_params(opt)
        paths, report = {}, {}
        for name, lr in zip(names, rates, strict=True):
            label = f"{name} (lr={lr:g})"
            traj = trajectory(f, name, lr=lr, steps=steps, start=point, **hparams)
            paths[label] = traj
            x, y = (float(v) for v in traj[-1])
            value = float(
                f(torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64))
            )
            report[name] = {
                "lr": lr,
                "end": [x, y],
                "value": value,
                "diverged": len(traj) < steps + 1,
                "steps_run": len(traj) - 1,
            }
        plot_playground(f, paths, out, steps=steps)
        print_json({"function": f.name, "out": str(out), "runs": report})
