"""``optarena list optimizers|schedules|datasets|models|tasks``."""

from __future__ import annotations

import importlib
from enum import Enum

import typer

from optarena.cli.output import print_json, print_table


class Kind(str, Enum):
    optimizers = "optimizers"
    schedules = "schedules"
    datasets = "datasets"
    models = "models"
    tasks = "tasks"


class Format(str, Enum):
    table = "table"
    json = "json"


# Each catalog() returns one dict per entry, with at least a "name" key.
_CATALOGS = {
    Kind.optimizers: "optarena.optim",
    Kind.schedules: "optarena.schedules",
    Kind.datasets: "optarena.data",
    Kind.models: "optarena.models",
    Kind.tasks: "optarena.tasks",
}


def register(app: typer.Typer) -> None:
    @app.command("list")
    def list_entries(
        kind: Kind = typer.Argument(..., help="What to list."),
        fmt: Format = typer.Option(Format.table, "--format", help="table, or json (names)."),
        dialect: str = typer.Option(
            "", "--dialect", help="Optimizers/schedules of a framework dialect: paddle or keras."
        ),
        zoo: bool = typer.Option(
            False, "--zoo", help="optimizers: the zoo:NAME ones (needs optarena[zoo])."
        ),
    ) -> None:
        """List the registered optimizers, schedules, datasets, models or tasks.

        Plain names follow torch's rules; `--dialect paddle` (or keras) lists the `paddle:NAME`
        entries that reproduce that framework; `--zoo` lists pytorch-optimizer's `zoo:NAME` ones.

        Examples:  optarena list optimizers    optarena list schedules --dialect keras
                   optarena list optimizers --zoo
        """
        if dialect and kind not in (Kind.optimizers, Kind.schedules):
            raise ValueError("--dialect applies to optimizers and schedules only")
        if zoo and kind is not Kind.optimizers:
            raise ValueError("--zoo lists optimizers only")
        if zoo and dialect:
            raise ValueError("--zoo and --dialect do not go together")
        module = "optarena.optim.zoo" if zoo else _CATALOGS[kind]
        catalog = importlib.import_module(module).catalog
        rows = catalog(dialect) if dialect else catalog()
        if fmt is Format.json:
            print_json([row["name"] for row in rows])
            return
        suffix = f" ({dialect} dialect)" if dialect else " (zoo)" if zoo else ""
        print_table(rows, title=f"optarena {kind.value}{suffix}")
        if kind is Kind.optimizers and not zoo and not dialect:
            from optarena.optim.recent import LEFT_OUT

            for cls, why in LEFT_OUT.items():
                typer.echo(f"left out: torch.optim.{cls} ({why})")
