"""The report's libraries load on a background thread (compare starts it as trials start)."""

import subprocess
import sys

from optarena.report import preload


def _preload(files: bool) -> list[str]:
    code = (
        "import sys\n"
        "from optarena.report import preload\n"
        "before = set(sys.modules)\n"
        f"preload.start(files={files}).join(120)\n"
        "wanted = preload.MODULES + (preload.FIGURE_MODULES if %s else ())\n"
        "print(sorted(m for m in wanted if m not in sys.modules))\n"
        "print('pandas' in before, 'matplotlib' in sys.modules)\n"
    ) % files
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split("\n")[:2]


def test_preload_imports_every_module_the_report_draws_with():
    assert _preload(files=False) == ["[]", "False False"]  # charts only: no matplotlib
    assert _preload(files=True) == ["[]", "False True"]
    assert "optarena.report.build" in preload.MODULES
