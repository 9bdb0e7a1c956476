"""``optarena report``: prints the page's path; bad input is one line and exit code 2."""

from pathlib import Path

import pytest

from optarena.cli import main


def _run(argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code


def test_report_command_prints_the_path_of_report_html(evil_store, evil, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["report", evil, "--store", str(evil_store.path), "--out", str(out)]
    assert _run(argv) in (0, None)
    printed = capsys.readouterr().out.strip()
    assert Path(printed) == out / "report.html" and Path(printed).is_file()


def test_unknown_study_is_one_line_with_close_matches(demo_store, capsys):
    assert _run(["report", "dmeo", "--store", str(demo_store.path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: unknown study 'dmeo'")
    assert "did you mean 'demo'" in err


def test_missing_store_is_an_error_not_a_new_file(tmp_path, capsys):
    missing = tmp_path / "none.db"
    assert _run(["report", "demo", "--store", str(missing)]) == 2
    assert "no results store" in capsys.readouterr().err
    assert not missing.exists()


def test_figure_files_only_with_png_and_no_matplotlib_without(demo_store, tmp_path):
    """A fresh ``optarena report`` process: charts only and matplotlib never imported; with
    --png every figure is a PNG file, with --svg an SVG as well."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from optarena.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('matplotlib' in sys.modules)\n"
    )

    def report(out, *flags):
        argv = ["report", "demo", "--store", str(demo_store.path), "--out", str(out), *flags]
        done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()[-1] == "True"

    assert not report(tmp_path / "charts")
    assert not list((tmp_path / "charts").glob("*.png"))
    assert report(tmp_path / "png", "--png")
    assert (tmp_path / "png" / "test-accuracy.png").is_file()
    assert not list((tmp_path / "png").glob("*.svg"))
    report(tmp_path / "svg", "--svg")
    assert (tmp_path / "svg" / "test-accuracy.svg").is_file()
    assert (tmp_path / "svg" / "test-accuracy.png").is_file()
