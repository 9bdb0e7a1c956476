"""``optarena plot-schedule NAME --base-lr X --steps N [--param k=v ...] --out FILE.png``."""

from __future__ import annotations

import json
import textwrap
from enum import Enum
from pathlib import Path

import typer

from optarena.cli.output import print_json
from optarena.cli.params import parse_params


class Format(str, Enum):
    png = "png"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command("plot-schedule")
    def plot_schedule(
        name: str = typer.Argument(..., help="Schedule name, or a module:callable factory."),
        base_lr: float = typer.Option(..., "--base-lr", help="Base learning rate."),
        steps: int = typer.Option(..., "--steps", min=1, help="Counts t = 0 .. N-1 to draw."),
        param: list[str] = typer.Option(
            None, "--param", "-p", help="Schedule parameter k=v (repeatable; JSON values)."
        ),
        out: Path = typer.Option(None, "--out", "-o", help="PNG file to write."),
        fmt: Format = typer.Option(Format.png, "--format", help="png (draw), or json (values)."),
        log_y: bool = typer.Option(False, "--log-y", help="Logarithmic rate axis."),
    ) -> None:
        """Draw a learning-rate schedule, or print its values as JSON.

        Examples:
          optarena plot-schedule cosine --base-lr 0.1 --steps 100 --param T_max=100 --out cos.png
          optarena plot-schedule step --base-lr 0.1 --steps 10 -p step_size=3 --format json
        """
        from optarena import schedules  # imported here: keeps `optarena --help` fast

        schedule = schedules.create(name, base_lr, **parse_params(param))
        if fmt is Format.json:
            print_json(schedules.values(schedule, steps))
            return
        if out is None:
            raise ValueError("--out FILE.png is required to draw (or pass --format json)")
        shown = "".join(f", {k}={json.dumps(v)}" for k, v in parse_params(param).items())
        title = textwrap.fill(f"{name} (base_lr={base_lr:g}{shown})", width=64)
        fig = schedules.plot(schedule, steps, title=title, log_y=log_y)
        out.parent.mkdir(parents=True, exist_ok=True)
        from optarena.atomic import replacing

        with replacing(out) as tmp:
            fig.savefig(tmp, dpi=120)
        typer.echo(f"wrote {out}")
