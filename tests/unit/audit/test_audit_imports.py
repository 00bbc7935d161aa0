"""``jsv audit`` imports nothing of the lab (issue 35, item 1): the bare install has no Docker client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

LAB_MODULES = ("docker", "testcontainers", "jsv.environments", "jsv.images", "jsv.docker_engine")

# `python -m jsv audit --list` as __main__ dispatches it, then what it imported
PROGRAM = """
import runpy, sys
sys.argv = ["jsv", "audit", "--list"]
try:
    runpy.run_module("jsv", run_name="__main__", alter_sys=True)
except SystemExit as done:
    assert not done.code, done.code
import jsv.audit.cli  # and every module of the audit
lab = sorted(
    name for name in sys.modules
    if any(name == top or name.startswith(top + ".") for top in LAB_MODULES)
)
print("-- lab modules --", *lab, sep="\\n")
"""


def test_the_audit_imports_no_lab_module():
    ran = subprocess.run(
        [sys.executable, "-c", f"LAB_MODULES = {LAB_MODULES!r}\n{PROGRAM}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert "SU-01" in ran.stdout  # the listing ran
    assert ran.stdout.split("-- lab modules --")[1].split() == [], ran.stdout


def test_the_runbooks_names_stay_importable_from_the_observations():
    from jsv.observations import hub, single_user, surface
    from jsv.observations.remote import hub as remote_hub
    from jsv.observations.remote import single_user as remote_single_user
    from jsv.observations.remote import surface as remote_surface

    assert single_user.token_required is remote_single_user.token_required
    assert single_user.kernel_handshake is remote_single_user.kernel_handshake
    assert hub.hsts is remote_hub.hsts and hub.user_token_lists_users is remote_hub.user_token_lists_users
    assert surface.token_lifetimes is remote_surface.token_lifetimes


def test_no_lazy_probe_name_is_also_a_submodule_name():
    """Python sets a package's attribute to a submodule once it is imported, which would shadow the name."""
    import pkgutil

    import jsv.probes

    submodules = {module.name for module in pkgutil.iter_modules(jsv.probes.__path__)}
    assert not set(jsv.probes._HOMES) & submodules
