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
    ) -> None:
        """List the registered optimizers, schedules, datasets, models or tasks.

        Plain names follow torch's rules; `--dialect paddle` (or keras) lists the `paddle:NAME`
        entries that reproduce that framework.

        Examples:  optarena list optimizers    optarena list schedules --dialect keras
        """
        catalog = importlib.import_module(_CATALOGS[kind]).catalog
        if dialect and kind not in (Kind.optimizers, Kind.schedules):
            raise ValueError("--dialect applies to optimizers and schedules only")
        rows = catalog(dialect) if dialect else catalog()
        if fmt is Format.json:
            print_json([row["name"] for row in rows])
        else:
            suffix = f" ({dialect} dialect)" if dialect else ""
            print_table(rows, title=f"optarena {kind.value}{suffix}")
