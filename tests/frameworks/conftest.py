"""Module-scoped imports of the real frameworks (slow to import); tests skip when absent.

Keras runs on its torch backend in float64 (``floatx``), so its learning-rate variables and
schedules are exact; Paddle's default dtype is set to float64 likewise.
"""

from __future__ import annotations

import os
from typing import Any

import pytest


@pytest.fixture(scope="session")
def paddle() -> Any:
    module = pytest.importorskip("paddle", reason="paddlepaddle is not installed")
    module.set_default_dtype("float64")
    return module


@pytest.fixture(scope="session")
def keras() -> Any:
    if os.environ.get("KERAS_BACKEND", "torch") != "torch":
        pytest.skip("these checks need KERAS_BACKEND=torch")
    os.environ["KERAS_BACKEND"] = "torch"
    module = pytest.importorskip("keras", reason="keras is not installed")
    if module.backend.backend() != "torch":
        pytest.skip("keras was imported with another backend")
    module.config.set_floatx("float64")
    return module
