"""Integration fixtures (Docker required).

* ``lab``    - a fresh :class:`jsv.environments.Lab`, removed after the test, with a check
  that nothing of it is left.
* ``client`` - a started ``NetClient`` in that lab.
* ``run_site`` - runs ``python -m jsv site`` on a fixture site and returns (process, output).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from jsv.environments import Lab, NetClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.docker)


@pytest.fixture
def lab():
    created = Lab("pytest")
    yield created
    assert created.close() == []


@pytest.fixture
def client(lab):
    return lab.start(NetClient())


def default_sigint() -> None:
    """Ctrl-C as in a terminal, for a build the test interrupts (``preexec_fn``).

    A shell starts a background job with SIGINT ignored (POSIX), every process below it inherits that,
    and Python keeps an inherited SIG_IGN: under ``./.ci/run &`` the build would ignore the test's SIGINT.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def site_command(name: str, builddir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jsv",
        "site",
        "--source",
        str(FIXTURES / name),
        "--builddir",
        str(builddir),
    ]


@pytest.fixture
def run_site(tmp_path):
    def run(name: str, **env: str) -> tuple[int, str]:
        done = subprocess.run(
            site_command(name, tmp_path / name),
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=900,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    return run


def run_id_of(output: str) -> str:
    for line in output.splitlines():
        if line.startswith("run ") and ":" in line:
            return line.split()[1].rstrip(":")
    raise AssertionError(f"no run id in output:\n{output[-2000:]}")
