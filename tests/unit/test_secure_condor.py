"""containers/condor/etc/jupyterhub/secure_condor.py: configuration through traits, and a move_certs that
follows no link (HTC-13, issue 32 item 3 and issue 40 item 2).

batchspawner is not installed on the build's Python: a stand-in ``batchspawner.CondorSpawner`` declares
the traits the module configures, as batchspawner 1.3.0 declares them (``Unicode(...).tag(config=True)``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import pwd
import sys
import types
from pathlib import Path
from types import ModuleType

import pytest
from traitlets import Unicode
from traitlets.config import Config, LoggingConfigurable

CONDOR = Path(__file__).parents[2] / "containers" / "condor" / "etc" / "jupyterhub"


class CondorSpawner(LoggingConfigurable):  # named as batchspawner names it: config sections are class names
    batch_script = Unicode("GetEnv = True").tag(config=True)
    batch_submit_cmd = Unicode("condor_submit").tag(config=True)
    state_pending_re = Unicode(r"^1,").tag(config=True)
    exec_prefix = Unicode("sudo -E -u {username}").tag(config=True)


def _load(path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setitem(sys.modules, "batchspawner", types.SimpleNamespace(CondorSpawner=CondorSpawner))
    spec = importlib.util.spec_from_file_location(f"jsv_test_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spawner(module: ModuleType, config: Config | None = None) -> object:
    spawner = module.SpoolingCondorSpawner(config=config or Config())
    spawner.user = types.SimpleNamespace(name="alice")
    return spawner


def test_defaults_are_the_spooling_design(monkeypatch: pytest.MonkeyPatch) -> None:
    spawner = _spawner(_load(CONDOR / "secure_condor.py", monkeypatch))
    assert spawner.batch_submit_cmd == "/usr/local/bin/jsv-condor-submit"
    assert "GetEnv" not in spawner.batch_script and "encrypt_input_files" in spawner.batch_script
    assert spawner.state_pending_re == r"^[15],"


def test_a_config_override_takes_effect(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config()
    config.CondorSpawner.batch_submit_cmd = "sudo -E -u {username} /usr/local/bin/jsv-condor-submit"
    config.SpoolingCondorSpawner.state_pending_re = "^5,"
    spawner = _spawner(_load(CONDOR / "secure_condor.py", monkeypatch), config)
    assert spawner.batch_submit_cmd == "sudo -E -u {username} /usr/local/bin/jsv-condor-submit"
    assert spawner.state_pending_re == "^5,"


def test_the_073f15a_module_ignored_the_override(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Its plain class attribute hid the trait: the setting did not apply, and traitlets said so (the warning
    the build's configuration check fails on), rather than ignoring it silently as issue 40 reads."""
    config = Config()
    config.CondorSpawner.batch_submit_cmd = "sudo -E -u {username} /usr/local/bin/jsv-condor-submit"
    with caplog.at_level(logging.WARNING):
        old = _spawner(_load(CONDOR / "controls" / "secure_condor_073f15a.py", monkeypatch), config)
    assert old.batch_submit_cmd == "/usr/local/bin/jsv-condor-submit"
    assert "Config option `batch_submit_cmd` not recognized by `SpoolingCondorSpawner`" in caplog.text


def test_the_fixed_module_logs_no_configuration_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = Config()
    config.CondorSpawner.batch_submit_cmd = "sudo -E -u {username} /usr/local/bin/jsv-condor-submit"
    with caplog.at_level(logging.WARNING):
        _spawner(_load(CONDOR / "secure_condor.py", monkeypatch), config)
    assert "not recognized" not in caplog.text


@pytest.fixture
def alice_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Path, list[Path]]:
    """The fixed module, with alice's account standing for the test's own user and home in tmp_path."""
    module = _load(CONDOR / "secure_condor.py", monkeypatch)
    me = pwd.getpwuid(os.getuid())
    home = tmp_path / "home"
    home.mkdir()
    account = types.SimpleNamespace(pw_name="alice", pw_dir=str(home), pw_uid=me.pw_uid, pw_gid=me.pw_gid)
    monkeypatch.setattr(module.pwd, "getpwnam", lambda name: account)
    hub = tmp_path / "hub"
    hub.mkdir()
    paths = []
    for name in ("user-alice.key", "user-alice.crt"):
        (hub / name).write_text(f"contents of {name}\n")
        paths.append(hub / name)
    return module, home, paths


def _move(module: ModuleType, paths: list[Path]) -> dict[str, str]:
    spawner = _spawner(module)
    return asyncio.run(spawner.move_certs({p.suffix: str(p) for p in paths}))


def test_move_certs_copies_for_a_normal_user(alice_home: tuple[ModuleType, Path, list[Path]]) -> None:
    module, home, paths = alice_home
    assert _move(module, paths) == {".key": "user-alice.key", ".crt": "user-alice.crt"}
    certs = home / ".jupyterhub-certs"
    assert certs.stat().st_mode & 0o777 == 0o700
    assert (certs / "user-alice.key").read_text() == "contents of user-alice.key\n"
    assert (certs / "user-alice.key").stat().st_mode & 0o777 == 0o600
    assert _move(module, paths)  # a second spawn replaces the files


def test_move_certs_refuses_a_planted_directory_link(
    alice_home: tuple[ModuleType, Path, list[Path]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    module, home, paths = alice_home
    target = tmp_path / "etc"
    target.mkdir()
    (home / ".jupyterhub-certs").symlink_to(target)
    with caplog.at_level(logging.WARNING), pytest.raises(PermissionError, match="refusing"):
        _move(module, paths)
    assert list(target.iterdir()) == []
    assert "move_certs: refusing" in caplog.text


def test_move_certs_replaces_a_planted_file_link_without_following_it(
    alice_home: tuple[ModuleType, Path, list[Path]], tmp_path: Path
) -> None:
    module, home, paths = alice_home
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0::/root:/bin/sh\n")
    (home / ".jupyterhub-certs").mkdir()
    (home / ".jupyterhub-certs" / "user-alice.key").symlink_to(victim)
    _move(module, paths)
    assert victim.read_text() == "root:x:0:0::/root:/bin/sh\n"
    assert not (home / ".jupyterhub-certs" / "user-alice.key").is_symlink()
