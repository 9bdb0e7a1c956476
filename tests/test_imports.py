"""Start-up stays light (issue 18, item 3): ``optarena --help`` imports no torch, and the
optimizer and schedule packages import no plotting, table or scientific library. Checked on
the modules a fresh interpreter ends up with, not on times."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "pandas", "scipy", "sklearn")


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
    assert not loaded & {"torch", *HEAVY}, sorted(loaded & {"torch", *HEAVY})


@pytest.mark.parametrize("module", ["optarena.optim", "optarena.schedules"])
def test_optim_and_schedules_import_no_heavy_library(module: str) -> None:
    loaded = imported_after(f"import {module}")
    assert "torch" in loaded and not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
