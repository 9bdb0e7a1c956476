"""One leaderboard DataFrame, four views: a rich table, JSON, CSV and Markdown.

JSON and CSV carry every column at full precision (NaN as ``null`` / an empty cell); Markdown
rounds floats to ``digits`` significant digits (NaN as an empty cell) and escapes ``|``. So the
three agree: parsed back, they give the same frame (Markdown up to its rounding).
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd
from rich.table import Table

from optarena.board import format_value, rows_table


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain-Python dicts (NaN → None, numpy scalars → Python)."""
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): _plain(v) for k, v in row.items()})
    return out


def to_json(frame: pd.DataFrame) -> str:
    """A JSON array of row objects, floats at full precision."""
    return json.dumps(records(frame), allow_nan=False)


def to_csv(frame: pd.DataFrame) -> str:
    """CSV with a header row; floats at full (round-trip) precision."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def to_markdown(frame: pd.DataFrame, digits: int = 4) -> str:
    """A GitHub-flavoured Markdown table."""
    columns = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(_md(c) for c in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for row in records(frame):
        lines.append("| " + " | ".join(_md(format_value(row[c], digits)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def to_table(frame: pd.DataFrame, title: str | None = None, digits: int = 4) -> Table:
    """A compact rich table for a terminal (``table.rows_table`` of the frame's records)."""
    return rows_table(records(frame), list(frame.columns), title, digits)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
