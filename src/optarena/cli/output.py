"""Printing helpers shared by commands: rich tables for people, JSON for programs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def _stdout_console() -> Console:
    """The terminal's width, or 200 columns when piped (wide tables stay readable in logs)."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


console = _stdout_console()


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
    table = Table(title=title, show_lines=False)
    columns = list(rows[0]) if rows else []
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(format_cell(row.get(c)) for c in columns))
    console.print(table)
