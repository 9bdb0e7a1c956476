import io
import json
import math

import pandas as pd
import pytest
from rich.console import Console

from optarena.analysis import leaderboard, to_csv, to_json, to_markdown, to_table
from optarena.analysis.export import format_value


def _parse_markdown(text):
    lines = text.strip().splitlines()
    split = [
        [c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")] for line in lines
    ]
    assert set(lines[1].strip("|").split("|")) == {"---"}
    return split[0], split[2:]


def _same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, float):
        return b == pytest.approx(a, rel=1e-15)
    return a == b


def test_json_csv_and_markdown_agree(toy_store):
    board = leaderboard(toy_store, "toy", target_acc=0.93)
    board.loc[0, "hparams"] = "a|b"  # a user string with a pipe survives Markdown
    rows = json.loads(to_json(board))
    csv = pd.read_csv(io.StringIO(to_csv(board)), keep_default_na=False, na_values=[""])
    header, cells = _parse_markdown(to_markdown(board))
    assert header == list(board.columns) == list(rows[0]) == list(csv.columns)
    assert len(rows) == len(csv) == len(cells) == len(board)
    for i, row in enumerate(rows):
        for j, column in enumerate(header):
            value = row[column]
            other = csv[column].iloc[i]
            other = other.item() if hasattr(other, "item") else other
            if column in ("sig", "hparams") and value == "":
                assert other is None or (isinstance(other, float) and math.isnan(other))
            else:
                assert _same(value, other), (column, value, other)
            expected = format_value(value)
            if isinstance(value, float):
                expected = f"{value:.4g}"
            assert cells[i][j] == expected, (column, cells[i][j], expected)
            original = board[column].iloc[i]
            assert _same(value, original.item() if hasattr(original, "item") else original)


def test_markdown_rounds_and_blanks_nan():
    frame = pd.DataFrame({"a": [0.123456, math.nan], "b": ["x", "y|z"], "ok": [True, False]})
    assert to_markdown(frame) == (
        "| a | b | ok |\n|---|---|---|\n| 0.1235 | x | yes |\n|  | y\\|z | no |\n"
    )
    assert json.loads(to_json(frame)) == [
        {"a": 0.123456, "b": "x", "ok": True},
        {"a": None, "b": "y|z", "ok": False},
    ]


def test_rich_table_shows_the_main_columns(toy_store):
    board = leaderboard(toy_store, "toy")
    console = Console(record=True, width=400)
    console.print(to_table(board, title="toy"))
    text = console.export_text()
    for word in ("optimizer", "test acc ± 95% CI", "seeds", "sig", "adamw", "0.96 ± 0.025", "*"):
        assert word in text
    assert "task" not in text and "pending" in text  # one task only: no task column
