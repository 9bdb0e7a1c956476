"""``optarena plot-schedule`` (PNG and JSON) and ``optarena list schedules``."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from typer.testing import CliRunner

from optarena import schedules
from optarena.cli import app

runner = CliRunner()


def test_plot_figure_has_labelled_axes_and_one_line_per_schedule():
    named = {
        "cosine": schedules.create("cosine", 0.1, T_max=30),
        "step": schedules.create("step", 0.1, step_size=10),
    }
    fig = schedules.plot(named, 30, title="two")
    (ax,) = fig.axes
    assert ax.get_xlabel() and ax.get_ylabel() == "learning rate"
    assert ax.get_title() == "two"
    assert [line.get_label() for line in ax.get_lines()] == ["cosine", "step"]
    assert list(ax.get_lines()[1].get_ydata()) == [named["step"](t) for t in range(30)]


def test_plot_schedule_writes_png(tmp_path, monkeypatch):
    figures = []
    real_plot = schedules.plot

    def spy(*args, **kwargs):
        figures.append(real_plot(*args, **kwargs))
        return figures[-1]

    monkeypatch.setattr(schedules, "plot", spy)
    out = tmp_path / "sub" / "cos.png"
    args = ["plot-schedule", "cosine", "--base-lr", "0.1", "--steps", "50"]
    result = runner.invoke(app, [*args, "--param", "T_max=50", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100
    (ax,) = figures[0].axes
    assert ax.get_xlabel() == "count t (step or epoch)"
    assert ax.get_ylabel() == "learning rate"
    assert "cosine" in ax.get_title() and "T_max=50" in ax.get_title()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("step", ["step_size=3", "gamma=0.5"]),
        ("multistep", ["milestones=[2,5]"]),
        ("linear-warmup", ["warmup_steps=3", 'after={"name": "cosine", "params": {"T_max": 9}}']),
        ("optarena.schedules.cyclic:CosineAnnealing", ["T_max=7"]),
    ],
)
def test_plot_schedule_json_equals_s_of_t(name, params):
    flags = [item for p in params for item in ("--param", p)]
    args = ["plot-schedule", name, "--base-lr", "0.2", "--steps", "12", *flags]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    s = schedules.create(
        name, 0.2, **{k: json.loads(v) for k, v in (p.split("=", 1) for p in params)}
    )
    assert json.loads(result.stdout) == [s(t) for t in range(12)]


def test_plot_schedule_needs_out_and_reports_bad_names(capsys):
    from optarena.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["plot-schedule", "constant", "--base-lr", "0.1", "--steps", "3"])
    assert exit_info.value.code == 2
    assert "--out" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["plot-schedule", "cosin", "--base-lr", "0.1", "--steps", "3", "--format", "json"])
    assert "did you mean 'cosine'" in capsys.readouterr().err


def test_list_schedules():
    result = runner.invoke(app, ["list", "schedules", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == schedules.names()
    table = runner.invoke(app, ["list", "schedules"])
    assert table.exit_code == 0 and "reduce-on-plateau" in table.stdout
