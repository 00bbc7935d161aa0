"""Secrets stay off the command lines of the execs, as the Docker engine records them (exact values)."""

from __future__ import annotations

from jsv.docker_engine import client as engine
from jsv.environments import JupyterServer
from jsv.exec_watch import ExecWatch
from jsv.labels import build_id
from jsv.probes.login import form_login
from jsv.redaction import RecordedSecret, register, registered


def _recorded() -> list[RecordedSecret]:
    return [RecordedSecret(label, value) for value, label in registered().items()]


def test_a_token_reaches_the_server_from_curls_environment_and_no_exec_shows_it(lab, client):
    server = lab.start(JupyterServer("hardened").with_args("--ip=0.0.0.0"))
    with ExecWatch(engine(), build_id()) as watch:
        by_header = client.http(server.url("/api/contents"), "-H", f"Authorization: token {server.token}")
        in_url = client.http(server.url(f"/api/contents?token={server.token}"))
        login = form_login(client, server.url(""), server.token, "/tmp/jar")
        anonymous = client.http(server.url("/api/contents"))
    assert (by_header.status, in_url.status, anonymous.status) == (200, 200, 403)
    assert login.stdout.strip() == "POST /login: 302"
    assert watch.count >= 4
    assert watch.exposed(_recorded()) == []


def test_the_watch_sees_a_value_on_a_command_line_registered_only_afterwards(lab, client):
    """The negative control: a value put on an exec's command line, then registered, is reported."""
    value = "later-registered-3f9a1c"
    with ExecWatch(engine(), build_id()) as watch:
        client.run(["echo", value])
    register(value, "read back later")
    assert [(found.label, found.container) for found in watch.exposed(_recorded())] == [
        ("read back later", client.name)
    ]
