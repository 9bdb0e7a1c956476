"""The ``optarena`` command line: thin wiring over the library.

Each room registers its own commands from one module here (``register(app)``); this file only
assembles them and turns bad input into one clear line on stderr with exit code 2.
"""

from __future__ import annotations

import sys

import typer

from optarena.cli import (
    compare_cmd,
    data_cmd,
    demo_cmd,
    import_cmd,
    list_cmd,
    report_cmd,
    results_cmd,
    schedule_cmd,
    tools_cmd,
    train_cmd,
)

app = typer.Typer(
    name="optarena",
    help="Compare deep-learning optimizers and learning-rate schedules fairly.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _module in (
    compare_cmd,
    demo_cmd,
    list_cmd,
    train_cmd,
    schedule_cmd,
    data_cmd,
    results_cmd,
    report_cmd,
    tools_cmd,
    import_cmd,
):
    _module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; user errors become ``error: ...`` and exit code 2."""
    try:
        app(args=argv, prog_name="optarena")
    except (ValueError, FileNotFoundError, NotADirectoryError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
