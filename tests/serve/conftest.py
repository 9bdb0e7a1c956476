"""The serve tests' browser: headless Chromium over the DevTools pipe (``tests/cdp.py``);
skipped where Chromium is absent (CI installs it)."""

from __future__ import annotations

import pytest


@pytest.fixture
def page(tmp_path, cdp):
    if cdp.BROWSER is None:
        pytest.skip("chromium is not installed")
    tab = cdp.Browser(tmp_path / "profile")
    yield tab
    tab.close()
