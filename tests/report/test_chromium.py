"""The report renders in headless Chromium: a non-blank screenshot, and the leaderboard rows and
figures present in the rendered DOM. Skipped where Chromium is absent (CI installs it)."""

import shutil
import subprocess

import pytest
from PIL import Image

from optarena.analysis import leaderboard

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed")


def _chromium(tmp_path, *args):
    cmd = [BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_screenshot_is_not_blank(demo_report, tmp_path):
    shot = tmp_path / "shot.png"
    _chromium(
        tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", demo_report.resolve().as_uri()
    )
    assert shot.is_file()
    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        colours = image.convert("RGB").getcolors(1 << 24)
        assert len(colours) > 50  # text, table stripes and a figure, not a blank page


def test_rendered_dom_holds_the_table_rows_and_figures(demo_store, demo_report, tmp_path):
    result = _chromium(tmp_path, "--dump-dom", demo_report.resolve().as_uri())
    dom = result.stdout
    board = leaderboard(demo_store, "demo")
    table = dom.split('id="leaderboard"')[1].split("</table>")[0]
    assert table.count("<tr") == len(board) + 1
    for optimizer in board["optimizer"]:
        assert f"<td>{optimizer}</td>" in table
    charts = dom.count('class="chart-svg"')  # drawn by the page's script
    assert charts >= 6
    # every figure once, as its interactive chart (one svg per panel), no embedded PNG
    listed = dom.count('<div class="chart" data-chart=')
    inline = dom.split('<div class="chart" data-spec=')[1:]  # the verdicts, after the script
    assert listed >= 6 and inline and "data:image/png;base64," not in dom
    assert all("chart-svg" in part.split("</figure>")[0] for part in inline)
    assert charts >= listed + len(inline)
