"""``optarena playground``: one JSON line, the figure, one-line errors."""

from __future__ import annotations

import json

import pytest

from optarena.cli import main


def test_playground_writes_figure_and_reports_runs(tmp_path, capsys):
    out = tmp_path / "h.png"
    with pytest.raises(SystemExit) as exc:  # typer exits 0 after a command
        main(
            [
                "playground",
                "--function",
                "himmelblau",
                "--optimizers",
                "sgd,momentum",
                "--lrs",
                "0.005,0.2",
                "--steps",
                "30",
                "--out",
                str(out),
            ]
        )
    assert exc.value.code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["function"] == "himmelblau" and out.read_bytes()[:4] == b"\x89PNG"
    sgd, momentum = report["runs"]["sgd"], report["runs"]["momentum"]
    assert sgd["lr"] == 0.005 and sgd["steps_run"] == 30 and not sgd["diverged"]
    assert momentum["diverged"] and momentum["steps_run"] < 30


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--function", "rosenbrok"], "did you mean 'rosenbrock'"),
        (["--optimizers", "sgd,adamm"], "did you mean 'adam'"),
        (["--lrs", "0.1,0.2"], "--lrs has 2 values for 3 optimizers"),
        (["--start", "1"], "--start must be two finite numbers"),
        (["--steps", "0"], "--steps must be at least 1"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        main(["playground", "--out", str(tmp_path / "x.png"), *args])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and message in err and err.count("\n") == 1


def test_bad_output_suffix(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["playground", "--steps", "2", "--out", str(tmp_path / "x.jpg")])
    assert "--out must end in" in capsys.readouterr().err
