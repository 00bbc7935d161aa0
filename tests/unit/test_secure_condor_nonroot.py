"""containers/condor/etc/jupyterhub/secure_condor_nonroot.py and its helper jsv-condor-certs (HTC-18).

A hub that is not root hands the notebook's certificates to the helper as a tar stream; here the helper
runs as the test's own user (the hub's ``sudo -u`` is replaced by ``env HOME=...``), which is what sudo
gives it: the user's rights and the user's HOME. batchspawner is not installed on the build's Python:
stand-ins provide ``format_template`` and the parent class.
"""

from __future__ import annotations

import asyncio
import importlib.util
import stat
import sys
import types
from pathlib import Path
from types import ModuleType

import pytest
from traitlets.config import LoggingConfigurable

CONDOR = Path(__file__).parents[2] / "containers" / "condor"


class SpoolingCondorSpawner(LoggingConfigurable):
    def get_req_subvars(self) -> dict[str, str]:
        return {"username": self.user.name}  # type: ignore[attr-defined]


def _load(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    batch = types.ModuleType("batchspawner.batchspawner")
    batch.format_template = lambda template, **subvars: template.format(**subvars)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "batchspawner", types.ModuleType("batchspawner"))
    monkeypatch.setitem(sys.modules, "batchspawner.batchspawner", batch)
    monkeypatch.setitem(
        sys.modules, "secure_condor", types.SimpleNamespace(SpoolingCondorSpawner=SpoolingCondorSpawner)
    )
    path = CONDOR / "etc" / "jupyterhub" / "secure_condor_nonroot.py"
    spec = importlib.util.spec_from_file_location("jsv_test_secure_condor_nonroot", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def spawner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[object, Path, dict[str, str]]:
    module = _load(monkeypatch)
    home = tmp_path / "home"
    home.mkdir()
    hub = tmp_path / "hub"
    hub.mkdir()
    paths = {}
    for key, name in (("keyfile", "user-alice.key"), ("certfile", "user-alice.crt"), ("cafile", "ca.crt")):
        (hub / name).write_text(f"stands in for {name}\n")
        paths[key] = str(hub / name)
    helper = CONDOR / "jsv-condor-certs"
    made = module.NonRootCondorSpawner(certs_cmd=f"env HOME={home} JSV_AS={{username}} {helper}")
    made.user = types.SimpleNamespace(name="alice")
    return made, home, paths


def test_move_certs_unpacks_them_in_the_users_home(spawner: tuple[object, Path, dict[str, str]]) -> None:
    made, home, paths = spawner
    names = asyncio.run(made.move_certs(paths))  # type: ignore[attr-defined]
    assert names == {"keyfile": "user-alice.key", "certfile": "user-alice.crt", "cafile": "ca.crt"}
    certs = home / ".jupyterhub-certs"
    assert stat.S_IMODE(certs.stat().st_mode) == 0o700
    for name in names.values():
        assert (certs / name).read_text() == f"stands in for {name}\n"
        assert stat.S_IMODE((certs / name).stat().st_mode) == 0o600


def test_a_user_name_stays_one_argument_no_shell_reads_it(
    spawner: tuple[object, Path, dict[str, str]], tmp_path: Path
) -> None:
    made, home, paths = spawner
    planted = tmp_path / "planted"
    made.user = types.SimpleNamespace(name=f"alice;touch {planted}")  # type: ignore[attr-defined]
    asyncio.run(made.move_certs(paths))  # type: ignore[attr-defined]
    assert not planted.exists()
    assert (home / ".jupyterhub-certs" / "ca.crt").exists()


def test_a_failing_helper_fails_the_spawn(spawner: tuple[object, Path, dict[str, str]]) -> None:
    made, _, paths = spawner
    made.certs_cmd = "sh -c 'echo \"sudo: a password is required\" >&2; exit 1'"  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="password is required"):
        asyncio.run(made.move_certs(paths))  # type: ignore[attr-defined]


def test_the_helper_is_executable() -> None:
    assert (CONDOR / "jsv-condor-certs").stat().st_mode & 0o111
