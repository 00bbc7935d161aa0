"""What a remote client observes of a single-user Jupyter Server (SU-01, 07, 09..14, 19..22).

The checks ``jsv audit`` runs, without the lab: each takes a client — any
:class:`~jsv.probes.http.Browser` (the audit's runs on the reader's machine), or the
runbooks' :class:`~jsv.environments.NetClient` on the lab network — and the server,
and only sends requests a browser on another machine could.  What a check creates
(a file, a kernel, a terminal) it removes again.  The runbooks import these from
:mod:`jsv.observations.single_user`, which re-exports them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jsv.claims import Observation
from jsv.errors import TargetRefused
from jsv.polling import poll_until
from jsv.probes.http import Browser, Reply, Request, Target, browser_for, plain_http, token_header

if TYPE_CHECKING:
    from jsv.environments import NetClient

EVIL = "http://evil.example"
HIDDEN_FILE = ".netrc-example"
"""A dot-file the SU-14 servers hold in the directory they serve."""


def token_required(client: NetClient | Browser, target: Target) -> Observation:
    """SU-01: ``/api/contents`` without the token, then with it in a header."""
    browser = browser_for(client)
    without = browser.send(Request(target.url("/api/contents")))
    with_header = browser.send(Request(target.url("/api/contents"), headers=token_header(target.token)))
    return Observation(
        (without.status, with_header.status), without.transcript + "\n\n" + with_header.transcript
    )


def plain_http_answered(
    client: NetClient | Browser, target: Target, path: str = "/api/status"
) -> Observation:
    """SU-07 (and HUB-28 with ``path="/hub/api"``): an ``http://`` request to the TLS port."""
    reply = browser_for(client).send(Request(plain_http(target.url(path))))
    answer = "HTTP response" if reply.status else f"no HTTP response ({reply.outcome})"
    return Observation(answer, reply.transcript)


def login_cookie_flags(client: NetClient | Browser, target: Target) -> Observation:
    """SU-19: log in with the token through the form; the flags the login cookie was set with."""
    browser = browser_for(client)
    login = browser.log_in(target.url(""), target.token)
    host = urlsplit(target.url("")).hostname or ""
    # jupyter_server names it after the host and port it was asked at: username-<host>-<port>
    name = "username-" + re.sub(r"[^A-Za-z0-9]", "-", urlsplit(target.url("")).netloc)
    flags = browser.cookie_flags(name, host) or frozenset()
    return Observation(
        {
            "login": login.status,
            "login cookie HttpOnly": "HttpOnly" in flags,
            "login cookie Secure": "Secure" in flags,
        },
        f"{login.transcript}\n\ncookie {name}: {' '.join(sorted(flags)) or 'no flags'}",
    )


def hsts(client: NetClient | Browser, target: Target, path: str = "/login") -> Observation:
    """SU-20 (HUB-29 with ``path="/hub/login"``): the Strict-Transport-Security header of the login page."""
    reply = browser_for(client).send(Request(target.url(path)))
    return Observation(reply.headers.get("strict-transport-security", ""), reply.transcript[:900])


def xsrf_cookie_flags(client: NetClient | Browser, target: Target, path: str = "/login") -> Observation:
    """SU-21 (HUB-30 with ``path="/hub/login"``): the flags of the ``_xsrf`` cookie the login page sets.

    A session already logged in gets a redirect and keeps the cookie it has (set by the same setting).
    """
    browser = browser_for(client)
    page = browser.send(Request(target.url(path), with_cookies=True))
    flags = browser.cookie_flags("_xsrf", urlsplit(target.url("")).hostname or "")
    seen = "no _xsrf cookie" if flags is None else " ".join(sorted(flags)) or "no flags"
    return Observation(
        {"status": page.status, "_xsrf cookie Secure": flags is not None and "Secure" in flags},
        f"{page.transcript[:600]}\n\ncookie _xsrf: {seen}",
    )


def forged_post(client: NetClient | Browser, target: Target) -> Observation:
    """SU-09: a cookie-only POST (what a foreign page can send), then one with the XSRF token.

    Each POST that succeeds creates an untitled file; it is deleted again.
    """
    browser = browser_for(client)
    login = browser.log_in(target.url(""), target.token)
    create = Request(target.url("/api/contents"), "POST", with_cookies=True)
    forged = browser.send(create)
    same_site = browser.send(create.header("X-XSRFToken", browser.cookie("_xsrf") or ""))
    _delete_created(browser, target, forged, same_site)
    return Observation(
        {"cookie only": forged.status, "cookie + X-XSRFToken": same_site.status},
        "\n\n".join([login.transcript, forged.transcript, same_site.transcript]),
    )


def started_kernel(reply: Reply, claim_id: str) -> str:
    """The id of the kernel ``POST /api/kernels`` started, or one clear error when it started none."""
    if reply.status != 201:
        raise TargetRefused(
            f"{claim_id} needs a kernel to open a WebSocket to, but POST /api/kernels answered "
            f"{reply.status} (is a kernel such as ipykernel installed for the server?)"
        )
    return str(reply.json()["id"])


KERNEL_READY_SECONDS = 90.0
"""How long a kernel's channels handshake is asked again while no answer comes (a kernel still starting)."""


def kernel_handshake(browser: Browser, url: str, origin: str | None, *, with_cookies: bool = True) -> Reply:
    """A handshake with a kernel's channels, sent again while it times out without a status line.

    Jupyter Server's kernel handler (``services/kernels/websocket.py``) authenticates, then waits for
    the kernel to answer ``kernel_info``, and only then lets tornado check the ``Origin``: a handshake
    to a kernel that is still starting (seconds on a loaded machine; the server's kernel model says
    ``starting`` until a client connects) gets its 101, or its foreign-origin 403, after the probe's
    time limit.  A handshake without credentials is refused at once.
    """
    polled = poll_until(
        lambda: browser.websocket(url, origin, with_cookies=with_cookies),
        lambda reply: reply.outcome != "timeout",
        timeout=KERNEL_READY_SECONDS,
        interval=0,
    )
    return polled.value


def websocket_origins(client: NetClient | Browser, target: Target) -> Observation:
    """SU-10: kernel WebSocket handshakes riding on the login cookie, from a foreign and the same origin.

    The kernel started for the test is shut down afterwards.
    """
    browser = browser_for(client)
    kernels = target.url("/api/kernels")
    kernel = browser.send(Request(kernels, "POST", token_header(target.token)))
    kernel_id = started_kernel(kernel, "SU-10")
    channels = target.url(f"/api/kernels/{kernel_id}/channels")
    login = browser.log_in(target.url(""), target.token)
    foreign = kernel_handshake(browser, channels, EVIL)
    same = kernel_handshake(browser, channels, target.url("").rstrip("/"))
    browser.send(Request(f"{kernels}/{kernel_id}", "DELETE", token_header(target.token)))
    return Observation(
        {"foreign origin": foreign.outcome, "same origin": same.outcome},
        "\n\n".join([kernel.transcript, login.transcript, foreign.transcript, same.transcript]),
    )


def anonymous_kernel_websocket(client: NetClient | Browser, target: Target) -> Observation:
    """SU-22: a kernel's channels handshake without token or cookie.

    The kernel is started with the token and, after the login form, the XSRF cookie (a server
    without a token checks XSRF on the POST); it is shut down afterwards.
    """
    browser = browser_for(client)
    kernels = target.url("/api/kernels")
    browser.log_in(target.url(""), target.token)  # a fresh session: this server's _xsrf cookie
    start = Request(kernels, "POST", token_header(target.token), with_cookies=True)
    kernel = browser.send(start.header("X-XSRFToken", browser.cookie("_xsrf") or ""))
    kernel_id = started_kernel(kernel, "SU-22")
    anonymous = kernel_handshake(
        browser, target.url(f"/api/kernels/{kernel_id}/channels"), None, with_cookies=False
    )
    browser.send(Request(f"{kernels}/{kernel_id}", "DELETE", token_header(target.token)))
    return Observation(anonymous.outcome, kernel.transcript + "\n\n" + anonymous.transcript)


def cors_grant(client: NetClient | Browser, target: Target) -> Observation:
    """SU-11: a cookie-authenticated request carrying a foreign ``Origin``."""
    browser = browser_for(client)
    login = browser.log_in(target.url(""), target.token)
    reply = browser.send(Request(target.url("/api/contents"), headers=(("Origin", EVIL),), with_cookies=True))
    return Observation(
        {
            "access-control-allow-origin": reply.headers.get("access-control-allow-origin"),
            "access-control-allow-credentials": reply.headers.get("access-control-allow-credentials"),
        },
        login.transcript + "\n\n" + reply.transcript,
    )


def csp(client: NetClient | Browser, target: Target) -> Observation:
    """SU-12: the Content-Security-Policy of the login page."""
    reply = browser_for(client).send(Request(target.url("/login")))
    return Observation(reply.headers.get("content-security-policy", ""), reply.transcript)


def terminal_api(client: NetClient | Browser, target: Target) -> Observation:
    """SU-13: creating a terminal through the REST API (a terminal created is closed again)."""
    browser = browser_for(client)
    terminals = target.url("/api/terminals")
    reply = browser.send(Request(terminals, "POST", token_header(target.token)))
    if reply.status == 200:
        browser.send(Request(f"{terminals}/{reply.json()['name']}", "DELETE", token_header(target.token)))
    return Observation(reply.status, reply.transcript)


def hidden_served(client: NetClient | Browser, target: Target, name: str = HIDDEN_FILE) -> Observation:
    """SU-14: the dot-file ``name`` through the contents API and ``/files``."""
    browser = browser_for(client)
    auth = token_header(target.token)
    api = browser.send(Request(target.url(f"/api/contents/{name}"), headers=auth))
    raw = browser.send(Request(target.url(f"/files/{name}"), headers=auth))
    return Observation(
        {"/api/contents": api.status, "/files": raw.status}, api.transcript + "\n\n" + raw.transcript
    )


def _delete_created(browser: Browser, target: Target, *replies: Reply) -> None:
    for reply in replies:
        if reply.status == 201:
            path = reply.json()["path"]
            browser.send(Request(target.url(f"/api/contents/{path}"), "DELETE", token_header(target.token)))
