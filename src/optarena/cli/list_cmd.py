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
        zoo: bool = typer.Option(
            False, "--zoo", help="optimizers: the zoo:NAME ones (needs optarena[zoo])."
        ),
    ) -> None:
        """List the registered optimizers, schedules, datasets, models or tasks.

        Examples:  optarena list optimizers    optarena list optimizers --zoo
                   optarena list schedules --format json
        """
        if zoo and kind is not Kind.optimizers:
            raise ValueError("--zoo lists optimizers only")
        module = "optarena.optim.zoo" if zoo else _CATALOGS[kind]
        rows = importlib.import_module(module).catalog()
        if fmt is Format.json:
            print_json([row["name"] for row in rows])
            return
        print_table(rows, title=f"optarena {kind.value}" + (" (zoo)" if zoo else ""))
        if kind is Kind.optimizers and not zoo:
            from optarena.optim.recent import LEFT_OUT

            for cls, why in LEFT_OUT.items():
                typer.echo(f"left out: torch.optim.{cls} ({why})")
