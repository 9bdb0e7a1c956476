"""A tuned study's report: the main figures and tables show the final entries only; the search
trials have their own section (history with pruned trials marked, parallel coordinates,
hyper-parameter importance)."""

from __future__ import annotations

import json
import math
import re

import pytest

from optarena.report import data as report_data
from optarena.report import search_views
from optarena.report.figures import figure_specs


@pytest.fixture(scope="module")
def tuned_data(tuned_store):
    return report_data.load(tuned_store, "tuned")


def _charts(page) -> dict[str, dict]:
    """``{figure id: chart spec}`` of a built report.html."""
    text = page.read_text(encoding="utf-8")
    specs = json.loads(text.split('id="optarena-charts">')[1].split("</script>")[0])
    found = re.findall(r'<figure id="fig-([^"]+)"><div class="chart" data-chart="(\d+)"', text)
    return {name: specs[int(i)] for name, i in found}


def test_tuned_main_figures_show_only_the_final_entries(tuned_store, tuned_data, tuned_report):
    finals = {
        (r.config["optimizer"], r.config["lr"]) for r in tuned_store.trials("tuned", role="final")
    }
    assert len(tuned_data.finals) == len(finals) == 3
    assert all("epochs=" not in label for label in tuned_data.finals)
    charts = _charts(tuned_report)
    bars = charts["test-accuracy"]["panels"][0]["rows"]
    assert [r["name"] for r in bars] == tuned_data.finals
    for name in ("top-5", "loss-vs-time", "lr-schedules"):
        if name not in charts:  # the learning-rate chart only when a schedule moves it
            continue
        names = {s["name"] for p in charts[name]["panels"] for s in p["series"]}
        assert names <= set(tuned_data.finals), name
    entry_figures = [s.name for s in figure_specs(tuned_data) if s.name.startswith("entries-")]
    assert entry_figures == ["entries-loss", "entries-metric"]
    assert [p["title"] for p in charts["entries-metric"]["panels"]] == tuned_data.finals
    # the PNG for Markdown pages draws the same bars
    from optarena.report.bars import accuracy_bars

    fig = accuracy_bars(tuned_data)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == tuned_data.finals
    # the search lives in its own section, after the main figures
    text = tuned_report.read_text(encoding="utf-8")
    assert text.index('id="search-title"') > text.index('id="fig-entries-metric"')
    assert '<figure id="fig-search-history"><div class="chart" data-chart=' in text


def test_search_table_numbers_candidates_and_marks_the_pruned(tuned_store, tuned_data):
    table = search_views.search_table(tuned_data)
    stored = tuned_store.trials("tuned", role="search")
    assert len(table) == len(stored) == 15
    assert sorted(table["id"]) == sorted(r.id for r in stored)
    lr = {r.id: r.config["lr"] for r in stored}
    assert all(row.lr == lr[row.id] for row in table.itertuples())
    for _, part in table.groupby("optimizer"):
        assert list(part["number"]) == [1, 2, 3, 4, 5]
    pruned = table[table["state"] == "pruned"]
    assert len(pruned) == 3 and set(pruned["note"]) == {"pruned at epoch 1"}
    complete = {r.id: r.summary["best_val_acc"] for r in stored if r.state.value == "complete"}
    for row in table[table["state"] == "complete"].itertuples():
        assert row.score == complete[row.id]


def test_search_history_and_parallel_coordinates_draw_every_scored_candidate(tuned_data):
    history = search_views.history_chart(tuned_data)
    by_number, by_lr = history["panels"]
    points = [p for s in by_number["series"] for p in s["points"]]
    assert len(points) == 15 and sum(p[3] == "x" for p in points) == 3
    assert by_lr["x"]["log"] is True
    assert sorted(p[0] for s in by_lr["series"] for p in s["points"]) == sorted(
        search_views.search_table(tuned_data)["lr"]
    )
    parallel = search_views.parallel_chart(tuned_data)["panels"][0]
    assert [a["label"] for a in parallel["axes"]] == ["lr", "best val accuracy"]
    lines = [line for s in parallel["series"] for line in s["lines"]]
    assert len(lines) == 15 and sum(bool(line["note"]) for line in lines) == 3


def test_importance_uses_optunas_evaluator(tuned_data):
    pytest.importorskip("optuna")
    found = search_views.importances(tuned_data)
    assert set(found) == {"all optimizers"}  # one searched parameter per optimizer
    values = found["all optimizers"]
    assert set(values) == {"lr", "optimizer"}
    assert math.isclose(sum(values.values()), 1.0, rel_tol=1e-6)
    assert all(v >= 0 for v in values.values())


def test_untuned_study_has_no_search_section(demo_report, demo_data):
    assert search_views.search_charts(demo_data) == []
    assert 'id="search-title"' not in demo_report.read_text(encoding="utf-8")


def test_pruned_candidates_read_as_pruned_not_as_tracebacks(tuned_data):
    from optarena.report.html import problem_rows

    rows = problem_rows(tuned_data)
    assert [r["state"] for r in rows] == ["pruned"] * 3
    assert {r["reason"] for r in rows} == {"pruned by successive halving at epoch 1"}


def test_chart_bands_equal_the_figures_seed_bands(demo_data):
    from optarena.report.charts import band
    from optarena.report.curves import seed_band

    for label in demo_data.finals:
        ids = demo_data.trial_ids(label)
        for split, name in (("val", "acc"), ("train", "loss"), ("train", "wall_s")):
            fast = band(demo_data, ids, split, name)
            slow = seed_band(demo_data.epochs, ids, split, name)
            assert list(fast["epoch"]) == list(slow["epoch"])
            for column in ("mean", "lo", "hi", "n"):
                assert fast[column].to_numpy() == pytest.approx(slow[column].to_numpy(), rel=1e-12)


def test_chart_json_is_valid_json_without_markup_even_with_nan():
    from optarena.report.html import chart_json

    text = chart_json([{"panels": [{"title": "</script><b>", "points": [[1.0, float("nan")]]}]}])
    assert "<" not in text
    assert json.loads(text) == [{"panels": [{"title": "</script><b>", "points": [[1.0, None]]}]}]
