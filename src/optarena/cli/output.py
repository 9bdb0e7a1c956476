"""Printing helpers shared by commands: rich tables for people, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

_console: Console | None = None


def stdout_console() -> Console:
    """The terminal's width, or 200 columns when piped (wide tables stay readable in logs);
    made on first use, so the command line starts without importing rich."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console()
        if not _console.is_terminal:
            _console = Console(width=200)
    return _console


def __getattr__(name: str) -> Any:
    """``output.console`` is :func:`stdout_console` (PEP 562: built when first read)."""
    if name == "console":
        return stdout_console()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def print_json(obj: Any) -> None:
    """One JSON document on stdout (plain print: no colour codes, no wrapping)."""
    print(json.dumps(obj, default=str))


def format_cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={format_cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(format_cell(v) for v in value) + ")"
    return "" if value is None else str(value)


def print_table(rows: Sequence[Mapping[str, Any]], title: str | None = None) -> None:
    """A rich table whose columns are the keys of the first row."""
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    columns = list(rows[0]) if rows else []
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(format_cell(row.get(c)) for c in columns))
    stdout_console().print(table)
