"""The machine and library versions a report names (where the report was built)."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, str]:
    """Platform, Python, CPU count and the versions of the libraries results depend on."""
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": sys.version.split()[0],
        "cpu_count": str(os.cpu_count()),
    }
    for package in ("optarena", "torch", "numpy", "pandas", "matplotlib", "scipy"):
        info[package] = _version(package)
    return info
