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
    """A compact rich table for a terminal: accuracy as ``mean ± ci95``, counts merged, the
    ``task`` column only when there are several, ``p_value`` left to the other formats."""
    rows = records(frame)
    shown = sorted(set(frame["metric"].dropna())) if "metric" in frame.columns else []
    short = "acc" if shown in ([], ["accuracy"]) else shown[0] if len(shown) == 1 else "metric"
    view: list[tuple[str, str, Any]] = [  # (header, justify, cell function)
        ("#", "right", lambda r: str(r["rank"])),
        ("task", "left", lambda r: str(r["task"])),
        ("optimizer", "left", lambda r: str(r["optimizer"])),
        ("schedule", "left", lambda r: str(r["schedule"])),
        ("lr", "right", lambda r: format_value(r["lr"], digits)),
        ("hparams", "left", lambda r: r["hparams"]),
        (f"test {short} ± 95% CI", "right", lambda r: _pm(r["mean"], r["ci95"], digits)),
        ("std", "right", lambda r: format_value(r["std"], digits)),
        ("seeds", "right", lambda r: str(r["n_seeds"])),
        ("best ep", "right", lambda r: format_value(r["best_epoch"], 3)),
        (f"final {short}", "right", lambda r: format_value(r["final_acc"], digits)),
        ("ep→target", "right", lambda r: format_value(r.get("epochs_to_target"), 3)),
        ("s→target", "right", lambda r: format_value(r.get("secs_to_target"), 3)),
        ("wall s", "right", lambda r: format_value(r["wall_s"], 3)),
        ("div/fail", "right", lambda r: f"{r['n_diverged']}/{r['n_failed']}"),
        ("pending", "right", lambda r: str(r["n_pending"])),
        ("tuned", "left", lambda r: format_value(r["tuned"])),
        ("sig", "left", lambda r: r["sig"]),
    ]
    hidden = set()
    if frame.empty or frame["task"].nunique(dropna=False) <= 1:
        hidden.add("task")
    if "epochs_to_target" not in frame.columns:
        hidden |= {"ep→target", "s→target"}
    if frame.empty or not frame["n_pending"].any():
        hidden.add("pending")
    marked = not frame.empty and "sig" in frame.columns and (frame["sig"] == "*").any()
    caption = "* significantly worse than the leader (paired, p<0.05)" if marked else None
    table = Table(title=title, caption=caption)
    view = [v for v in view if v[0] not in hidden]
    for header, justify, _ in view:
        table.add_column(header, justify=justify, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row) for _, _, cell in view))
    return table


def _pm(mean: float | None, half: float | None, digits: int) -> str:
    if mean is None:
        return ""
    return format_value(mean, digits) + ("" if half is None else f" ± {half:.2g}")


def format_value(value: Any, digits: int = 4) -> str:
    """How a cell reads in Markdown and tables: floats to ``digits`` significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


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
