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
