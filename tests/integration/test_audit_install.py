"""The bare install is the audit alone (issue 35, item 1): a venv with ``pip install -c constraints.txt
<checkout>`` has neither Docker's client nor testcontainers, and its ``python -m jsv audit`` audits a lab
Jupyter Server (the open server of :mod:`tests.integration.test_audit_anonymous`: SU-01 fails, exit 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jsv.environments import JupyterServer

ROOT = Path(__file__).resolve().parents[2]
"""The checkout under test."""

UNREACHABLE_INDEX = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "Failed to establish a new connection",
    "ConnectTimeoutError",
    "Max retries exceeded",
)


@pytest.fixture(scope="module")
def bare_install(tmp_path_factory) -> Path:
    """A venv with the bare package and its base dependencies; its ``python``."""
    place = tmp_path_factory.mktemp("bare")
    # a copy of what the package is built from: setuptools builds in the tree it is given (build/, *.egg-info)
    source = place / "source"
    shutil.copytree(ROOT / "jsv", source / "jsv", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "constraints.txt"):
        shutil.copy(ROOT / name, source / name)
    venv = place / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    ran = subprocess.run(
        [*pip, "-c", str(source / "constraints.txt"), str(source)],
        capture_output=True,
        text=True,
        cwd=venv.parent,  # not the checkout: the venv's python must import the installed copy
        timeout=900,
        check=False,
    )
    if ran.returncode != 0 and any(sign in ran.stdout + ran.stderr for sign in UNREACHABLE_INDEX):
        pytest.skip(f"pip cannot reach a package index for the bare install: {ran.stderr.strip()[-400:]}")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return python


def bare_env() -> dict[str, str]:
    drop = ("JUPYTER_TOKEN", "JUPYTERHUB_API_TOKEN", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k not in drop}


def test_the_bare_install_has_no_lab(bare_install):
    for module in ("docker", "testcontainers"):
        ran = subprocess.run(
            [str(bare_install), "-c", f"import {module}"],
            capture_output=True,
            text=True,
            env=bare_env(),
            cwd=bare_install.parent,
            timeout=60,
            check=False,
        )
        assert ran.returncode == 1 and "ModuleNotFoundError" in ran.stderr, (module, ran.stderr)
    where = subprocess.run(
        [str(bare_install), "-c", "import jsv; print(jsv.__file__)"],
        capture_output=True,
        text=True,
        env=bare_env(),
        cwd=bare_install.parent,
        timeout=60,
        check=True,
    )
    assert where.stdout.strip().startswith(str(bare_install.parents[1])), where.stdout  # not the checkout


def test_the_bare_install_audits_an_open_server(bare_install, lab, tmp_path):
    open_server = lab.start(
        JupyterServer("open_server", alias="bare-install", token="").with_args(
            "--ip=0.0.0.0", "--IdentityProvider.token="
        )
    )
    url = f"http://{lab.address_of(open_server)}:8888"
    report = tmp_path / "audit.json"
    audit = [str(bare_install), "-m", "jsv", "audit", url, "--kind", "server"]
    ran = subprocess.run(
        [*audit, "--format", "json", "--output", str(report)],
        capture_output=True,
        text=True,
        env=bare_env(),
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    print(ran.stdout, ran.stderr)
    assert ran.returncode == 1, ran.stdout + ran.stderr  # the open server fails SU-01
    claims = {record["id"]: record["status"] for record in json.loads(report.read_text())["claims"]}
    assert claims["SU-01"] == "fail", claims
