"""Every figure type: produced, titled, labelled, with a legend, written as PNG (and SVG)."""

from PIL import Image

from optarena.report import data as report_data
from optarena.report.figures import build_figures, make_figures

ALWAYS = {"test-accuracy", "top-5", "loss-vs-time"}


def _assert_readable(name, fig):
    axes = [ax for ax in fig.get_axes() if ax.get_visible()]
    assert axes, name
    shared = fig._supxlabel is not None and fig._supylabel is not None  # small multiples
    for ax in axes:
        assert ax.get_title() or ax.get_title(loc="left"), name
        assert shared or (ax.get_xlabel() and ax.get_ylabel()), name
    assert fig.legends or any(ax.get_legend() is not None for ax in axes), name


def test_single_task_study_figures(demo_data):
    figures = build_figures(demo_data)
    names = [name for name, *_ in figures]
    assert ALWAYS | {"lr-sensitivity", "lr-schedules"} <= set(names)  # demo has a cosine
    assert "performance-profile" not in names
    assert [n for n in names if n.startswith("entries-")] == ["entries-loss", "entries-metric"]
    grid = dict((name, fig) for name, *_, fig in figures)["entries-metric"]
    shown = [ax.get_title(loc="left") for ax in grid.axes if ax.get_visible()]
    assert len(shown) == len([label for label in demo_data.finals if demo_data.trial_ids(label)])
    for name, title, caption, fig in figures:
        assert title and caption
        _assert_readable(name, fig)


def test_multitask_study_gets_performance_profiles(multitask_store, tmp_path):
    records = make_figures(multitask_store, "multi", tmp_path, max_entries=1, formats=("svg",))
    names = {r.name for r in records}
    assert ALWAYS | {"performance-profile"} <= names
    assert "lr-sensitivity" not in names  # one LR per optimizer
    assert len([n for n in names if n.startswith("entries-")]) == 2
    data = report_data.load(multitask_store, "multi")
    drawn = {name: fig for name, *_, fig in build_figures(data, max_entries=1)}
    assert set(drawn) == names
    for record in records:
        _assert_readable(record.name, drawn[record.name])
        with Image.open(record.png) as image:
            assert image.format == "PNG" and image.width > 300
            assert len(image.convert("RGB").getcolors(1 << 20)) > 10  # not blank
        svg = record.svg.read_text(encoding="utf-8")
        assert "<svg" in svg and drawn[record.name].get_axes()[0].get_title() in svg


def test_file_names_are_safe_even_for_markup_labels(evil_store):
    data = report_data.load(evil_store, evil_store.study_names()[0])
    for name, *_ in build_figures(data):
        assert name.replace("-", "").isalnum(), name
