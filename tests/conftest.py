"""Shared fixtures.

Unit tests (``tests/unit``) need no Docker.  Integration tests
(``tests/integration``, marker ``docker``) start real containers and check
that nothing labelled for their run is left behind.  Site tests
(``tests/site``, marker ``site``) read the build output in ``_build/``.

Fixtures:

* ``repo_root`` - the repository checkout.
* ``build_dir`` - ``_build`` (or ``JSV_BUILD_DIR``); site tests skip if absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def build_dir() -> Path:
    path = Path(os.environ.get("JSV_BUILD_DIR", ROOT / "_build"))
    if not (path / "html" / "index.html").is_file():
        pytest.fail(f"no built site in {path}: run `python -m jsv site` first")
    return path
