"""Curves: the seed band against hand-computed numbers, and the figures' labelling."""

import math

import numpy as np
import pandas as pd

from optarena.report import data as report_data
from optarena.report.curves import (
    ENTRY_COLUMNS,
    entry_grid,
    loss_vs_time,
    seed_band,
    topk_overlay,
)

NAN = math.nan


def _metrics(rows):
    frame = pd.DataFrame(rows, columns=["trial_id", "step", "epoch", "split", "name", "value"])
    frame["step"] = frame["step"].astype("Int64")
    frame["epoch"] = frame["epoch"].astype("Int64")
    frame["value"] = frame["value"].astype(np.float64)
    return frame


def test_seed_band_is_mean_min_max_over_finite_seeds():
    rows = [
        ("a", None, 0, "val", "acc", 0.50),
        ("a", None, 1, "val", "acc", 0.70),
        ("b", None, 0, "val", "acc", 0.60),
        ("b", None, 1, "val", "acc", NAN),
        ("c", None, 0, "val", "acc", 0.40),
        ("c", None, 1, "val", "acc", 0.90),
        ("a", 3, 0, "train", "loss", 9.0),  # step rows are not epoch rows
        ("z", None, 0, "val", "acc", 0.0),  # another entry's trial
    ]
    band = seed_band(_metrics(rows), ["a", "b", "c"], "val", "acc")
    assert band["epoch"].tolist() == [0, 1]
    np.testing.assert_allclose(band["mean"], [(0.5 + 0.6 + 0.4) / 3, (0.7 + 0.9) / 2], rtol=1e-15)
    np.testing.assert_allclose(band["lo"], [0.4, 0.7])
    np.testing.assert_allclose(band["hi"], [0.6, 0.9])
    assert band["n"].tolist() == [3, 2]


def _check(fig, *, legend=True):
    axes = fig.get_axes()
    assert axes
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    if legend:
        assert any(ax.get_legend() is not None for ax in axes)


def test_entry_grid_draws_each_entrys_seed_band_on_shared_axes(demo_data):
    labels = [label for label in demo_data.finals if demo_data.trial_ids(label)]
    fig = entry_grid(demo_data, "loss", labels)
    panels = [ax for ax in fig.get_axes() if ax.get_visible()]
    for ax, label in zip(panels, labels, strict=True):  # long labels end in an ellipsis
        title = ax.get_title(loc="left")
        assert title == label or (title.endswith("…") and label.startswith(title[:-1]))
    assert len(fig.get_axes()) % ENTRY_COLUMNS == 0  # a full grid, the spare panels hidden
    for ax, label in zip(panels, labels, strict=True):
        train, val = ax.get_lines()
        ids = demo_data.trial_ids(label)
        for line, split in ((train, "train"), (val, "val")):
            expected = seed_band(demo_data.metrics, ids, split, "loss")
            np.testing.assert_allclose(line.get_ydata(), expected["mean"])
            assert line.get_color() == demo_data.look[label].colour
        assert val.get_linestyle() == "--" and train.get_linestyle() == "-"
    assert len({ax.get_ylim() for ax in panels}) == 1  # one scale: comparable at a glance
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["training", "validation"]
    assert "of each entry" in fig._suptitle.get_text()
    assert entry_grid(demo_data, "loss", []) is None


def test_topk_overlay_draws_the_k_best_entries_in_their_colours(demo_data):
    fig = topk_overlay(demo_data, k=3)
    _check(fig)
    ax = fig.get_axes()[0]
    assert [line.get_label() for line in ax.get_lines()] == demo_data.order[:3]
    assert [line.get_color() for line in ax.get_lines()] == [
        demo_data.look[label].colour for label in demo_data.order[:3]
    ]


def test_loss_vs_time_puts_cumulative_seconds_on_x(demo_data):
    fig = loss_vs_time(demo_data)
    _check(fig)
    line = fig.get_axes()[0].get_lines()[0]
    label = line.get_label()
    wall = seed_band(demo_data.metrics, demo_data.trial_ids(label), "train", "wall_s")
    np.testing.assert_allclose(line.get_xdata(), wall["mean"])
    assert np.all(np.diff(line.get_xdata()) > 0)


def test_no_data_draws_no_lines():
    empty = report_data.from_rows("s", {}, [], _metrics([]))
    assert empty.order == []
