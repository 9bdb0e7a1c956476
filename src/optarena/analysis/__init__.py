"""Analysis of stored results: statistics over seeds, the leaderboard, exports, and
performance profiles."""

from optarena.analysis.export import to_csv, to_json, to_markdown, to_table
from optarena.analysis.leaderboard import COLUMNS, TARGET_COLUMNS, entry_id, leaderboard
from optarena.analysis.profiles import cost_matrix, profile, ratios, score
from optarena.analysis.stats import (
    PairedResult,
    SeedSummary,
    paired_test,
    summarize,
    time_to_target,
)

__all__ = [
    "COLUMNS",
    "TARGET_COLUMNS",
    "PairedResult",
    "SeedSummary",
    "cost_matrix",
    "entry_id",
    "leaderboard",
    "paired_test",
    "profile",
    "ratios",
    "score",
    "summarize",
    "time_to_target",
    "to_csv",
    "to_json",
    "to_markdown",
    "to_table",
]
