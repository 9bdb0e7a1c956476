"""The report's libraries load on a background thread (compare starts it as trials start)."""

import subprocess
import sys

from optarena.report import preload


def test_preload_imports_every_module_the_report_draws_with():
    code = (
        "import sys\n"
        "from optarena.report import preload\n"
        "before = set(sys.modules)\n"
        "preload.start().join(120)\n"
        "print(sorted(m for m in preload.MODULES if m not in sys.modules))\n"
        "print('pandas' in before, 'matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "False True"]
    assert "optarena.report.build" in preload.MODULES
