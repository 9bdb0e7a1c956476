"""The interactive report in real headless Chromium, driven over the DevTools protocol with real
mouse events: hovering a curve point shows its value, a legend click hides a series, a header
click sorts the leaderboard, and no request leaves the page. Screenshots of the default and of
a tuned study's report are saved under the test's tmp dir (paths printed). Skipped where
Chromium is absent (CI installs it)."""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from optarena.report.curves import seed_band

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def demo_page(browser, demo_report):
    browser.events.clear()
    browser.open(demo_report.resolve().as_uri())
    return browser


def _centre(browser, selector: str) -> tuple[float, float]:
    """Scroll the element into view and return its centre in viewport pixels."""
    box = browser.js(
        f"(function(){{var e=document.querySelector({json.dumps(selector)});"
        "e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();"
        "return [r.left+r.width/2, r.top+r.height/2];})()"
    )
    return box[0], box[1]


def test_hovering_a_curve_point_shows_its_value(demo_page, demo_data):
    b = demo_page
    best = demo_data.finals[0]
    band = seed_band(demo_data.epochs, demo_data.trial_ids(best), "val", "acc")
    expected = float(band["mean"].iloc[1])  # epoch 1 of the best entry's validation accuracy
    # the pixel of that point: the first move-to of the first line, plus one segment
    x, y = b.js(
        "(function(){var svg=document.querySelector('#fig-top-5 svg.chart-svg');"
        "svg.scrollIntoView({block:'center'});var d=svg.querySelector('path.line')"
        ".getAttribute('d');var p=d.slice(1).split('L')[1].split(',').map(Number);"
        "var r=svg.getBoundingClientRect();return [r.left+p[0], r.top+p[1]];})()"
    )
    b.mouse("mouseMoved", x, y)
    tip = b.js("document.querySelector('#fig-top-5 .chart-tip').textContent")
    shown = b.js("document.querySelector('#fig-top-5 .chart-tip').style.display")
    assert shown == "block"
    assert best in tip and "epoch: 1" in tip
    assert f"accuracy: {expected:.4g}" in tip
    b.mouse("mouseMoved", 5, 5)  # leaving the plot hides it
    assert b.js("document.querySelector('#fig-top-5 .chart-tip').style.display") == "none"


def test_clicking_the_legend_hides_and_shows_a_series(demo_page, demo_data):
    b = demo_page
    count = "document.querySelectorAll('#fig-top-5 svg.chart-svg')[0].querySelectorAll('path.line').length"  # noqa: E501
    before = b.js(count)
    assert before == min(5, len(demo_data.finals))
    key = "#fig-top-5 .chart-key"
    b.click(*_centre(b, key))
    assert b.js(count) == before - 1
    assert b.js(f"document.querySelector('{key}').classList.contains('off')")
    assert b.js(f"document.querySelector('{key}').dataset.series") == demo_data.finals[0]
    b.click(*_centre(b, key))
    assert b.js(count) == before


def test_leaderboard_sorts_by_a_clicked_column(demo_page):
    b = demo_page
    header = b.js(
        "Array.from(document.querySelectorAll('#leaderboard th')).map(h=>h.textContent)"
    )
    col = header.index("lr")
    values = (
        f"Array.from(document.querySelectorAll('#leaderboard tbody tr'))"
        f".map(r=>parseFloat(r.cells[{col}].dataset.v))"
    )
    b.click(*_centre(b, f"#leaderboard th:nth-child({col + 1})"))
    ascending = b.js(values)
    assert ascending == sorted(ascending) and len(set(ascending)) > 1
    b.click(*_centre(b, f"#leaderboard th:nth-child({col + 1})"))
    assert b.js(values) == sorted(ascending, reverse=True)


def test_no_request_leaves_the_page_and_screenshots(
    demo_page, demo_report, tuned_report, tmp_path, capsys
):
    b = demo_page
    shots = []
    for name, page in (("default", demo_report), ("tuned", tuned_report)):
        b.open(page.resolve().as_uri())
        assert b.js("document.querySelectorAll('svg.chart-svg').length") >= 6
        shots.append(b.screenshot(tmp_path / f"report-{name}.png"))
    outside = [
        url for url in b.requests() if not url.startswith(("data:", "file:", "about:"))
    ]
    assert outside == []
    pages = {url for url in b.requests() if url.startswith("file:")}
    assert pages == {demo_report.resolve().as_uri(), tuned_report.resolve().as_uri()}
    for shot in shots:
        with Image.open(shot) as image:
            assert image.size[0] == 1280 and image.size[1] > 2000
            assert len(image.convert("RGB").getcolors(1 << 24)) > 50
        with capsys.disabled():  # in the test output even when it passes
            print(f"\nscreenshot: {shot}")
