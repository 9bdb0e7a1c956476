"""Playground figures: PNG, SVG and an animated GIF, each labelled, with a legend."""

from __future__ import annotations

import pytest
from PIL import Image

from optarena.playground import plot_playground, trajectory


@pytest.fixture
def paths():
    return {
        "sgd (lr=0.005)": trajectory("himmelblau", "sgd", lr=0.005, steps=40),
        "momentum": trajectory("himmelblau", "momentum", lr=0.002, steps=40),
        "diverging sgd": trajectory("himmelblau", "sgd", lr=0.2, steps=40),
    }


def check_figure(fig, title):
    ax = fig.axes[0]
    assert ax.get_title() == title and ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_png_and_svg(paths, tmp_path):
    png, svg = tmp_path / "p.png", tmp_path / "p.svg"
    fig = plot_playground("himmelblau", paths, png, steps=40)
    plot_playground("himmelblau", paths, svg, title="custom")
    labels = check_figure(fig, "himmelblau: optimizer trajectories")
    assert labels[:2] == ["sgd (lr=0.005)", "momentum"] and labels[-2:] == ["start", "minimum"]
    assert labels[2].startswith("diverging sgd (diverged at step")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert (lines["momentum"].get_xydata() == paths["momentum"]).all()


def test_gif_is_animated(tmp_path):
    gif = tmp_path / "p.gif"
    saddle = {"sgd": trajectory("saddle", "sgd", lr=0.02, steps=40)}
    fig = plot_playground("saddle", saddle, gif, frames=8, fps=5)
    labels = check_figure(fig, "saddle: optimizer trajectories")
    assert "saddle point" in labels and "minimum" not in labels
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.n_frames == 8


def test_bad_outputs(paths, tmp_path):
    with pytest.raises(ValueError, match="unsupported output"):
        plot_playground("saddle", paths, tmp_path / "p.jpg")
    with pytest.raises(ValueError, match="no trajectories"):
        plot_playground("saddle", {}, tmp_path / "p.png")
    with pytest.raises(ValueError, match="shape"):
        plot_playground("saddle", {"bad": [[1.0, 2.0, 3.0]]}, tmp_path / "p.png")
