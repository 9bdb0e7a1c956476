"""report.html, report.md and leaderboard.csv from a filled store; escaping of user strings."""

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from optarena.analysis import leaderboard
from optarena.report import build_report, default_out_dir


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts = 0
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"

    def handle_data(self, data):
        self.data.append(data)


def _parse(page):
    parser = _Collect()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_report_files_are_written(demo_report):
    out = demo_report.parent
    assert demo_report.name == "report.html"
    assert (out / "report.md").is_file() and (out / "leaderboard.csv").is_file()
    assert not list(out.glob("*.png")) and not list(out.glob("*.svg"))  # files on request


def test_png_report_writes_the_figure_files(demo_png_report):
    out = demo_png_report.parent
    assert (out / "test-accuracy.png").is_file() and (out / "ranking_stability.png").is_file()
    assert not list(out.glob("*.svg"))  # SVG only on request (test_render.py)


def _no_outside_loads(parsed):
    assert not [
        a
        for t, a in parsed.tags
        if t in ("link", "iframe") or "src" in a and not a["src"].startswith("data:")
    ]  # nothing loaded from elsewhere


def test_html_draws_every_figure_as_a_chart_without_figure_files(demo_store, demo_report):
    """The default page: every study figure from the page's chart list, every verdict figure
    with its spec inline, no image, no link to a PNG."""
    parsed = _parse(demo_report)
    charts = [a for t, a in parsed.tags if t == "div" and "data-chart" in a]
    inline = [a for t, a in parsed.tags if t == "div" and "data-spec" in a]
    assert len(charts) >= 6 and len(inline) >= 1
    assert not [a for t, a in parsed.tags if t == "img" or a.get("class") == "png-link"]
    specs = [json.loads(a["data-spec"]) for a in inline]
    assert all(s["panels"][0]["series"] for s in specs)
    _no_outside_loads(parsed)
    board = leaderboard(demo_store, "demo")
    page = demo_report.read_text(encoding="utf-8")
    body = page.split('id="leaderboard"')[1].split("</table>")[0]
    assert body.count("<tr>") == len(board) + 1  # header + one row per entry
    assert parsed.scripts == 2  # the charts' JSON and the one script, nothing else
    assert "machine" in page and "torch" in page and "python" in page
    assert 'class="heat"' in page  # the win probabilities as a coloured table


def test_png_html_embeds_every_figure_and_links_its_png(demo_png_report):
    parsed = _parse(demo_png_report)
    images = [a for t, a in parsed.tags if t == "img"]
    charts = [a for t, a in parsed.tags if t == "div" and "data-chart" in a]
    linked = {a["href"] for t, a in parsed.tags if t == "a" and a.get("class") == "png-link"}
    pngs = sorted(demo_png_report.parent.glob("*.png"))
    assert len(images) + len(charts) == len(pngs) >= 8  # a chart (its PNG linked) or the PNG
    assert len(charts) >= 6 and len(linked) == len(charts)
    assert all((demo_png_report.parent / name).is_file() for name in linked)
    assert all(a["src"].startswith("data:image/png;base64,") for a in images)
    _no_outside_loads(parsed)


def test_html_lists_diverged_and_failed_trials_with_reasons(demo_report):
    page = demo_report.read_text(encoding="utf-8")
    problems = page.split('id="problems"')[1].split("</table>")[0]
    assert problems.count("<tr class=") == 2
    assert "diverged" in problems and "epoch 1" in problems
    assert "RuntimeError: out of memory &lt;in&gt; &#x27;forward&#x27;" in problems


def test_every_user_string_is_escaped(evil_report, evil):
    page = evil_report.read_text(encoding="utf-8")
    assert evil not in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    parsed = _parse(evil_report)
    assert parsed.scripts == 2
    assert any(evil in d for d in parsed.data)  # shown to the reader as text
    md = (evil_report.parent / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md


@pytest.mark.parametrize("fixture", ["demo_report", "demo_png_report"])
def test_csv_and_markdown_agree_with_the_leaderboard(demo_store, fixture, request):
    report = request.getfixturevalue(fixture)
    board = leaderboard(demo_store, "demo")
    csv = pd.read_csv(report.parent / "leaderboard.csv")
    assert list(csv["optimizer"]) == list(board["optimizer"])
    pd.testing.assert_series_equal(csv["mean"], board["mean"].astype(float), rtol=1e-15)
    md = (report.parent / "report.md").read_text(encoding="utf-8")
    main = md.split("## How sure?")[0]  # the verdicts section has tables of its own
    rows = [line for line in main.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(board) + 1
    images = re.findall(r"!\[[^]]*\]\(([^)]+)\)", md)
    for figure in images:
        assert (report.parent / figure).is_file()
    anchors = re.findall(r"\(report\.html#(fig-[^)]+)\)", md)
    page = report.read_text(encoding="utf-8")
    assert all(f'id="{a}"' in page for a in anchors)  # each link lands on its chart
    if fixture == "demo_report":
        assert not images and len(anchors) >= 7 and "`--png`" in md
    else:
        assert len(images) >= 8 and not anchors
    assert "## Diverged and failed trials" in md
    first = rows[1].split("|")[1:-1]
    header = [c.strip() for c in rows[0].split("|")[1:-1]]
    mean = float(first[header.index("mean")])
    assert mean == pytest.approx(board["mean"].iloc[0], rel=1e-3)


def test_default_out_dir_is_path_safe(evil):
    assert str(default_out_dir("demo")) == "runs/reports/demo"
    assert "/" not in default_out_dir("../../etc").name
    assert default_out_dir(evil).parent.name == "reports"


def test_unknown_study_is_a_value_error(demo_store, tmp_path):
    with pytest.raises(ValueError, match="did you mean"):
        build_report(demo_store, "demmo", tmp_path)
