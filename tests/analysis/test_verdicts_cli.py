"""``optarena leaderboard``: win probabilities in JSON, the seeds planner, ``--budget K``."""

from __future__ import annotations

import json

import pytest

from optarena.cli import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_json_has_win_probabilities(toy_store, capsys):
    code, out, _ = run(["leaderboard", "toy", "--store", str(toy_store.path), "--format", "json"],
                       capsys)  # fmt: skip
    assert code == 0
    rows = json.loads(out)
    adam, adamw = rows[0], rows[1]
    # seeds 0, 1, 2: adam .95/.96/.97 against adamw .96/.95/.965 -> adam wins 2 of 3
    w = adam["win_prob"][adamw["entry"]]
    assert w["n"] == 3 and w["p"] == pytest.approx(2 / 3)
    assert 0 <= w["low"] < w["p"] < w["high"] <= 1
    assert adamw["win_prob"][adam["entry"]]["p"] == pytest.approx(1 / 3)


def test_table_prints_the_seeds_planner(toy_store, capsys):
    code, out, _ = run(["leaderboard", "toy", "--store", str(toy_store.path)], capsys)
    assert code == 0 and "seeds planner:" in out and "too few" in out


def test_budget_ranking(toy_store, capsys):
    path = str(toy_store.path)
    code, _, err = run(["leaderboard", "toy", "--store", path, "--budget", "2"], capsys)
    # the toy study's one search trial has no best_val_acc: no budget to draw
    assert code == 2 and "no complete search trials" in err
    tid = toy_store.add_trial("toy", {"task": "toy", "optimizer": "adam", "lr": 0.1}, "search")
    toy_store.finish(tid, "complete", {"best_val_acc": 0.5})
    code, out, _ = run(
        ["leaderboard", "toy", "--store", path, "--budget", "2", "--format", "json"], capsys
    )
    rows = json.loads(out)
    assert code == 0 and rows[0]["k"] == 1 and rows[0]["optimizer"] == "adam"
