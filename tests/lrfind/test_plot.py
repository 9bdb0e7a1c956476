"""The range-test figure: labelled, with every suggestion marked, saved in the asked format."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from optarena.lrfind import lr_range_test, plot_lr_find


def test_plot_has_title_labels_and_suggestions(regression, tmp_path):
    x, y, make_model = regression
    res = lr_range_test(
        make_model(),
        F.mse_loss,
        lambda e: [(x, y)],
        lambda p: torch.optim.SGD(p, lr=1),
        start=1e-4,
        end=100,
    )
    png, svg = tmp_path / "lr.png", tmp_path / "lr.svg"
    fig = plot_lr_find(res, png)
    plot_lr_find(res, svg)
    ax = fig.axes[0]
    assert ax.get_title().startswith("LR range test") and "diverged" in ax.get_title()
    assert ax.get_xlabel() == "learning rate" and ax.get_ylabel() == "training loss"
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for name in ("valley", "steep", "minimum", "slide"):
        assert f"{name}: {res.suggestions[name]:.3g}" in labels
    # each marker sits on the suggestion's plot point
    markers = {line.get_label().split(":")[0]: line for line in ax.get_lines()}
    assert tuple(markers["valley"].get_xydata()[0]) == res.points["valley"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]


def test_plot_without_suggestions_still_renders(tmp_path):
    res = lr_range_test(
        torch.nn.Linear(2, 1),
        lambda o, t: (o * float("nan")).mean(),
        lambda e: [(torch.ones(4, 2), torch.ones(4, 1))],
        lambda p: torch.optim.SGD(p, lr=1),
        steps=10,
    )
    fig = plot_lr_find(res, tmp_path / "empty.png", title="nothing to suggest")
    assert fig.axes[0].get_title() == "nothing to suggest"
    assert (tmp_path / "empty.png").stat().st_size > 0
