"""The leaderboard as a compact rich table for a terminal, from plain row dicts.

Outside ``optarena.analysis`` on purpose: it needs neither pandas nor scipy, so a re-run of a
finished study prints the leaderboard its report cached (``report-state.json``) without
loading the analysis stack. ``analysis.to_table`` draws a leaderboard frame through the same
function, so both print the same table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table

SIG_CAPTION = "* significantly worse than the leader (paired, p<0.05)"


def format_value(value: Any, digits: int = 4) -> str:
    """How a cell reads in Markdown and tables: floats to ``digits`` significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def _pm(mean: float | None, half: float | None, digits: int) -> str:
    if mean is None:
        return ""
    return format_value(mean, digits) + ("" if half is None else f" ± {half:.2g}")


def rows_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    title: str | None = None,
    digits: int = 4,
) -> Table:
    """Accuracy as ``mean ± ci95``, counts merged, the ``task`` column only when there are
    several, ``p_value`` left to the other formats. ``rows`` are leaderboard records (NaN as
    ``None``), ``columns`` the leaderboard's columns."""
    shown = sorted({r["metric"] for r in rows if r.get("metric")}) if "metric" in columns else []
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
    if len({r["task"] for r in rows}) <= 1:
        hidden.add("task")
    if "epochs_to_target" not in columns:
        hidden |= {"ep→target", "s→target"}
    if not any(r["n_pending"] for r in rows):
        hidden.add("pending")
    marked = "sig" in columns and any(r["sig"] == "*" for r in rows)
    table = Table(title=title, caption=SIG_CAPTION if marked else None)
    view = [v for v in view if v[0] not in hidden]
    for header, justify, _ in view:
        table.add_column(header, justify=justify, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row) for _, _, cell in view))
    return table
