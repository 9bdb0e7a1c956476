import csv
import io
import json

import pytest

from optarena.cli import main


def run(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def test_leaderboard_formats(toy_store, capsys):
    path = str(toy_store.path)
    code, out, _ = run(["leaderboard", "toy", "--store", path, "--format", "json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [r["optimizer"] for r in rows] == ["adam", "adamw", "sgd", "rmsprop", "sgd"]
    code, out, _ = run(["leaderboard", "toy", "--store", path, "--format", "csv"], capsys)
    assert [r["optimizer"] for r in csv.DictReader(io.StringIO(out))][:2] == ["adam", "adamw"]
    code, out, _ = run(
        ["leaderboard", "toy", "--store", path, "--format", "markdown", "--target-acc", "0.9"],
        capsys,
    )
    assert out.startswith("| rank | task | optimizer |") and "epochs_to_target" in out
    code, out, _ = run(["leaderboard", "toy", "--store", path], capsys)
    assert code == 0 and "adamw" in out and "optarena leaderboard: toy" in out


def test_leaderboard_errors_are_one_line(toy_store, tmp_path, capsys):
    code, out, err = run(["leaderboard", "tyo", "--store", str(toy_store.path)], capsys)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "error: unknown study 'tyo'; did you mean 'toy'? (known: toy)"
    ]
    code, _, err = run(["leaderboard", "toy", "--store", str(tmp_path / "none.db")], capsys)
    assert code == 2 and err.startswith("error: no results store at")
    assert not (tmp_path / "none.db").exists()
    code, _, err = run(
        ["leaderboard", "toy", "--store", str(toy_store.path), "--target-acc", "93"], capsys
    )
    assert code == 2 and "--target-acc" in err
