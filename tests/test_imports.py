"""Start-up stays light (issue 18, item 3): ``optarena --help`` imports no torch, and the
optimizer and schedule packages import no plotting, table or scientific library. Checked on
the modules a fresh interpreter ends up with, not on times."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "pandas", "scipy", "sklearn")
#: what the help has no use for: markdown rendering, pretty tracebacks, HTTP serving
NOT_FOR_HELP = ("markdown_it", "pygments", "attr", "http")


def imported_after(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has imported after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\n"
        "sys.__stderr__.write('\\nMODULES ' + json.dumps(sorted({m.split('.')[0] "
        "for m in sys.modules})))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    line = proc.stderr.rsplit("MODULES ", 1)
    assert len(line) == 2, proc.stderr
    return set(json.loads(line[1]))


def test_help_imports_no_torch_and_no_heavy_library() -> None:
    code = "from optarena.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    loaded = imported_after(code)
    assert "typer" in loaded  # the probe really ran the command line
    assert not loaded & {"torch", *HEAVY, *NOT_FOR_HELP}, sorted(
        loaded & {"torch", *HEAVY, *NOT_FOR_HELP}
    )


def test_deferred_class_imports_the_real_class_on_first_use() -> None:
    from optarena.cli.help_render import deferred_class

    stand_in = deferred_class("fractions", "Fraction")
    assert stand_in(3, 6) == 0.5
    assert stand_in.from_float(0.25) == 0.25  # class attributes come from the real class
    with pytest.raises(AttributeError):
        stand_in.no_such_attribute  # noqa: B018


def test_help_is_drawn_without_importing_rich_markdown() -> None:
    code = (
        "import contextlib, io\nfrom optarena.cli import main\nbuf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n    try:\n        main(['compare', '--help'])\n"
        "    except SystemExit:\n        pass\n"
        "assert '--executor' in buf.getvalue(), buf.getvalue()\n"
        "import typer.rich_utils as r\nprint(type(r.Markdown('*x*')).__module__)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("rich.markdown")  # the stand-in gives the real class


@pytest.mark.parametrize("module", ["optarena.optim", "optarena.schedules"])
def test_optim_and_schedules_import_no_heavy_library(module: str) -> None:
    loaded = imported_after(f"import {module}")
    assert "torch" in loaded and not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
