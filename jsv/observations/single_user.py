"""What a remote client observes of a single-user Jupyter Server (claims SU-01, SU-06/07, SU-09..14).

Used by ``runbooks/single-user/*`` and by the assembled-configuration run in
``runbooks/checklists/single-user.md``.  Every function takes the client
machine (a :class:`~jsv.environments.NetClient` on the lab network) and the
server, and only sends requests a browser or ``curl`` on another machine could.
"""

from __future__ import annotations

from jsv.claims import Observation
from jsv.environments import JupyterServer, Lab, NetClient
from jsv.probes import TrafficCapture, websocket_handshake
from jsv.probes.login import cookie_request, form_login, status_of, xsrf_cookie

EVIL = "http://evil.example"
HIDDEN_FILE = ".netrc-example"
"""A dot-file the SU-14 servers hold in the directory they serve."""


def token_required(client: NetClient, target: JupyterServer) -> Observation:
    """SU-01: ``/api/contents`` without the token, then with it in a header."""
    without = client.http(target.url("/api/contents"))
    with_header = client.http(target.url("/api/contents"), "-H", f"Authorization: token {target.token}")
    return Observation(
        (without.status, with_header.status), without.transcript + "\n\n" + with_header.transcript
    )


def token_on_the_wire(lab: Lab, client: NetClient, target: JupyterServer) -> Observation:
    """SU-06: a request with ``?token=`` while the server's traffic is captured."""
    with TrafficCapture(lab, target, port=8888) as capture:
        reply = client.http(target.url(f"/api/contents?token={target.token}"))
    return Observation(
        {
            "status": reply.status,
            "bytes captured": len(capture.text) > 200,
            "token in capture": target.token in capture.text,
        },
        reply.transcript + "\n\n" + capture.transcript,
    )


def plain_http_answered(client: NetClient, target: JupyterServer) -> Observation:
    """SU-07: an ``http://`` request to the server's port."""
    reply = client.http(f"http://{target.alias}:8888/api/status")
    answer = "HTTP response" if reply.status else f"no HTTP response ({reply.outcome})"
    return Observation(answer, reply.transcript)


def forged_post(client: NetClient, target: JupyterServer) -> Observation:
    """SU-09: a cookie-only POST (what a foreign page can send), then one with the XSRF token."""
    login = form_login(client, target.url(""), target.token)
    forged = cookie_request(client, target.url("/api/contents"), "-X", "POST")
    xsrf = xsrf_cookie(client)
    same_site = cookie_request(
        client, target.url("/api/contents"), "-X", "POST", "-H", f"'X-XSRFToken: {xsrf}'"
    )
    return Observation(
        {"cookie only": status_of(forged), "cookie + X-XSRFToken": status_of(same_site)},
        "\n\n".join([login.transcript, forged.transcript, same_site.transcript]),
    )


def websocket_origins(client: NetClient, target: JupyterServer) -> Observation:
    """SU-10: kernel WebSocket handshakes riding on the login cookie, from a foreign and the same origin."""
    kernel = client.http(
        target.url("/api/kernels"), "-X", "POST", "-H", f"Authorization: token {target.token}"
    )
    channels = target.url(f"/api/kernels/{kernel.json()['id']}/channels")
    login = form_login(client, target.url(""), target.token)
    foreign = websocket_handshake(client, channels, EVIL, cookie_jar="/tmp/jar")
    origin = target.url("").rstrip("/")
    same = websocket_handshake(client, channels, origin, cookie_jar="/tmp/jar")
    return Observation(
        {"foreign origin": foreign.outcome, "same origin": same.outcome},
        "\n\n".join([kernel.transcript, login.transcript, foreign.transcript, same.transcript]),
    )


def cors_grant(client: NetClient, target: JupyterServer) -> Observation:
    """SU-11: a cookie-authenticated request carrying a foreign ``Origin``."""
    login = form_login(client, target.url(""), target.token)
    reply = client.http(target.url("/api/contents"), "-b", "/tmp/jar", "-H", f"Origin: {EVIL}")
    return Observation(
        {
            "access-control-allow-origin": reply.headers.get("access-control-allow-origin"),
            "access-control-allow-credentials": reply.headers.get("access-control-allow-credentials"),
        },
        login.transcript + "\n\n" + reply.transcript,
    )


def csp(client: NetClient, target: JupyterServer) -> Observation:
    """SU-12: the Content-Security-Policy of the login page."""
    reply = client.http(target.url("/login"))
    return Observation(reply.headers.get("content-security-policy", ""), reply.transcript)


def terminal_api(client: NetClient, target: JupyterServer) -> Observation:
    """SU-13: creating a terminal through the REST API."""
    reply = client.http(
        target.url("/api/terminals"), "-X", "POST", "-H", f"Authorization: token {target.token}"
    )
    return Observation(reply.status, reply.transcript)


def hidden_served(client: NetClient, target: JupyterServer) -> Observation:
    """SU-14: the dot-file :data:`HIDDEN_FILE` through the contents API and ``/files``."""
    auth = ["-H", f"Authorization: token {target.token}"]
    api = client.http(target.url(f"/api/contents/{HIDDEN_FILE}"), *auth)
    raw = client.http(target.url(f"/files/{HIDDEN_FILE}"), *auth)
    return Observation(
        {"/api/contents": api.status, "/files": raw.status}, api.transcript + "\n\n" + raw.transcript
    )
