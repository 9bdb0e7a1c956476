"""The report in seconds (issue 18): no figure file unless asked for (report.html draws
charts), PNG unless SVG is asked for, figures rendered in parallel processes and only when
their data changed, the report kept when up to date."""

import json

import pytest

from optarena.report import build_report, render
from optarena.report.render import MANIFEST
from optarena.report.state import STATE_FILE, check_formats, read_state
from optarena.report.verdict_render import MANIFEST as VERDICT_MANIFEST


def _mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


PNG = ("png",)


def test_no_figure_files_unless_asked_for(small_study, tmp_path):
    store, _ = small_study
    charts = build_report(store, "small", tmp_path / "charts").parent
    assert not list(charts.glob("*.png")) and not list(charts.glob("*.svg"))
    assert not (charts / MANIFEST).exists() and not (charts / VERDICT_MANIFEST).exists()
    assert read_state(charts)["formats"] == [] and read_state(charts)["files"] == []


def test_figures_are_png_only_unless_svg_is_asked_for(small_study, tmp_path):
    store, _ = small_study
    png_only = build_report(store, "small", tmp_path / "png", formats=PNG).parent
    assert list(png_only.glob("*.png")) and not list(png_only.glob("*.svg"))
    assert "vector:" not in (png_only / "report.md").read_text(encoding="utf-8")
    both = build_report(store, "small", tmp_path / "both", formats=("svg",)).parent
    pngs, svgs = sorted(both.glob("*.png")), sorted(both.glob("*.svg"))
    assert [p.stem for p in pngs] == [s.stem for s in svgs] and len(svgs) >= 4
    assert all(s.read_text(encoding="utf-8").lstrip().startswith("<?xml") for s in svgs[:2])
    assert "vector: [test-accuracy.svg](test-accuracy.svg)" in (both / "report.md").read_text()


def test_a_build_without_files_removes_the_last_builds_figures(small_study, tmp_path):
    """``--png`` once, then the default: the figure files and their caches go, nothing else
    in the folder does; ``--png`` again draws them again."""
    store, _ = small_study
    folder = build_report(store, "small", tmp_path / "r", formats=PNG).parent
    (folder / "notes.txt").write_text("mine")
    assert list(folder.glob("*.png"))
    build_report(store, "small", folder)
    assert not list(folder.glob("*.png")) and (folder / "notes.txt").read_text() == "mine"
    assert not (folder / MANIFEST).exists() and not (folder / VERDICT_MANIFEST).exists()
    build_report(store, "small", folder, formats=PNG)
    assert (folder / "test-accuracy.png").is_file() and (folder / "ranking_stability.png").exists()


def test_unknown_format_is_a_value_error():
    assert check_formats(["svg"]) == ("png", "svg")
    assert check_formats("png,svg,png") == ("png", "svg")
    assert check_formats([]) == check_formats("") == ()
    with pytest.raises(ValueError, match="pdf"):
        check_formats(["pdf"])


def test_an_up_to_date_report_is_not_rebuilt(small_study, tmp_path):
    store, _ = small_study
    page = build_report(store, "small", tmp_path / "r", formats=PNG)
    before, renders = _mtimes(page.parent), render.RENDERS["count"]
    assert read_state(page.parent)["leaderboard"]["rows"]
    assert build_report(store, "small", tmp_path / "r", formats=PNG) == page
    assert _mtimes(page.parent) == before and render.RENDERS["count"] == renders
    # a deleted figure makes the report stale: only that figure is drawn again
    (page.parent / "top-5.png").unlink()
    build_report(store, "small", tmp_path / "r", formats=PNG)
    assert render.RENDERS["count"] == renders + 1 and (page.parent / "top-5.png").is_file()


def test_a_changed_store_redraws_only_figures_whose_data_changed(small_study, tmp_path):
    store, add = small_study
    folder = build_report(store, "small", tmp_path / "r", formats=PNG).parent
    keys = {k: v["key"] for k, v in json.loads((folder / MANIFEST).read_text()).items()}
    verdict_keys = _keys(folder / VERDICT_MANIFEST)  # the "How sure?" figures' own cache
    before, renders, state = _mtimes(folder), render.RENDERS["count"], read_state(folder)
    add(("momentum", 0.05, None, 0.70, {"momentum": 0.9}))  # a new entry, ranked last
    build_report(store, "small", tmp_path / "r", formats=PNG)
    after = _mtimes(folder)
    new_keys = {k: v["key"] for k, v in json.loads((folder / MANIFEST).read_text()).items()}
    assert read_state(folder)["store"] != state["store"]
    assert after["report.html"] != before["report.html"]
    unchanged = [k for k in keys if new_keys.get(k) == keys[k]]
    assert all(after[f"{k}.png"] == before[f"{k}.png"] for k in unchanged)
    for name in ("test-accuracy", "entries-loss", "entries-metric"):  # the new entry is in them
        assert name not in unchanged and after[f"{name}.png"] != before[f"{name}.png"]
    redrawn = render.RENDERS["count"] - renders
    new_verdict_keys = _keys(folder / VERDICT_MANIFEST)
    verdicts_redrawn = sum(verdict_keys.get(k) != v for k, v in new_verdict_keys.items())
    assert redrawn == len(new_keys) - len(unchanged) + verdicts_redrawn
    board = read_state(folder)["leaderboard"]["rows"]
    assert [r["optimizer"] for r in board][-1] == "momentum"


def test_parallel_and_serial_renders_write_the_same_files(small_study, tmp_path):
    store, _ = small_study
    one = build_report(store, "small", tmp_path / "one", workers=1, formats=PNG).parent
    two = build_report(store, "small", tmp_path / "two", workers=2, formats=PNG).parent
    names = sorted(p.name for p in one.glob("*.png"))
    assert names == sorted(p.name for p in two.glob("*.png")) and len(names) >= 5
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert (one / STATE_FILE).is_file() and (one / MANIFEST).is_file()


def _keys(manifest):
    return {k: v["key"] for k, v in json.loads(manifest.read_text()).items()}


class _SlowFigure:
    """A figure whose save writes part of its file, then hangs (a worker mid-write)."""

    def savefig(self, path, **_):
        with open(path, "wb") as handle:
            handle.write(b"half")
            handle.flush()
            import time

            time.sleep(60)


def _failing(_data):
    raise OSError(28, "No space left on device")


def _slow(_data):
    return _SlowFigure()


def test_an_error_in_one_worker_leaves_no_half_written_file_of_another(tmp_path):
    """One figure fails while another worker is writing: the pool is stopped and the killed
    worker's temporary is removed with it."""
    import time

    from optarena.report.figures import FigureSpec

    specs = [
        FigureSpec("slow", "t", "c", _slow, lambda d: "1"),
        FigureSpec("fails", "t", "c", _failing, lambda d: "2"),
    ]
    with pytest.raises(OSError), render.Renderer(None, workers=2) as renderer:
        batch = renderer.submit(specs, tmp_path)
        while not list(tmp_path.glob(".slow.tmp*")):  # the slow worker has begun its write
            time.sleep(0.05)
        renderer.records(batch)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
