"""Fixtures shared by every room's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)  # tests share 2 cores; one thread is also what trials use

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(
    os.environ.get("OPTARENA_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; the test is skipped cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture
def repo_root() -> Path:
    """The checkout's root (``studies/``, ``docs/``, ``README.md``)."""
    return REPO_ROOT


@pytest.fixture
def postgres_url() -> str:
    """A URL to an empty schema of its own on the test PostgreSQL server (dropped afterwards).

    The server is named by ``OPTARENA_TEST_POSTGRES_URL`` (``.ci/postgres.sh`` starts one); the
    test is skipped cleanly where it is unset or unreachable, or psycopg is not installed.
    """
    import uuid

    url = os.environ.get("OPTARENA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("OPTARENA_TEST_POSTGRES_URL is not set (no PostgreSQL server for tests)")
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL at {url} is unreachable: {exc}")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in url else "?"
    yield f"{url}{joiner}options=-csearch_path%3D{schema}"
    admin.execute(f"DROP SCHEMA {schema} CASCADE")
    admin.close()


@pytest.fixture(scope="session")
def cdp():
    """``tests/cdp.py``, the DevTools-pipe Chromium client the browser tests share (tests import
    in importlib mode, so it has no ``sys.path`` entry)."""
    import importlib.util
    import sys

    name = "optarena_tests_cdp"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("cdp.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
