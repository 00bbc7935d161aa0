"""ServerAfterAnotherUser: mallory's command runs before alice's server; a server that exits is ready."""

from __future__ import annotations

import pytest

from jsv.environments import machine
from jsv.environments.single_user import NOT_STARTED, READY_MARKER, SERVER_EXITED, ServerAfterAnotherUser


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> ServerAfterAnotherUser:
    monkeypatch.setattr(machine, "ensure_image", lambda environment: f"jsv/{environment}:test")
    return ServerAfterAnotherUser("hardened", alias="sock", first="python3 /opt/jsv/squat.py /x /y")


def test_the_entrypoint_runs_mallorys_command_first_then_the_start_script(server) -> None:
    shell, flag, script, name = server._kwargs["entrypoint"]
    assert (shell, flag, name) == ("sh", "-c", "start-server")
    as_mallory = script.index("setpriv --reuid=mallory --regid=mallory")
    assert as_mallory < script.index('/usr/local/bin/start-server "$@"') < script.index(SERVER_EXITED)
    assert server.env["JSV_FIRST"] == "python3 /opt/jsv/squat.py /x /y"
    assert "python3 /opt/jsv/squat.py /x /y" in server.describe()


def test_ready_when_the_server_runs_or_has_exited(server, monkeypatch: pytest.MonkeyPatch) -> None:
    log = {"text": "mallory: listening on /x\n"}
    monkeypatch.setattr(server, "logs_text", lambda: log["text"])
    assert not server.is_ready()
    log["text"] += f"{SERVER_EXITED} (1)\n"
    assert server.is_ready() and not server.server_started
    log["text"] = f"Jupyter Server 2.21.1 {READY_MARKER}\n"
    assert server.is_ready() and server.server_started
    log["text"] += f"[C ServerApp] ERROR: {NOT_STARTED} because no available port could be found.\n"
    assert server.is_ready() and not server.server_started
