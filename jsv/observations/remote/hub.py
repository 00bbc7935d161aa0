"""What a remote client observes of a JupyterHub (HUB-02, 11, 28..31): the checks ``jsv audit`` runs.

Each takes a client (any :class:`~jsv.probes.http.Browser`, or a runbook's
:class:`~jsv.environments.NetClient`) and the hub, and sends what a browser on another
machine could.  :mod:`jsv.observations.hub` re-exports them for the runbooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jsv.claims import Observation
from jsv.observations.remote import single_user
from jsv.probes.http import Browser, Request, Target, browser_for, plain_http, token_header

if TYPE_CHECKING:
    from jsv.environments import NetClient


def outsider_reaches_proxy_api(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-02: another machine asks the proxy's REST API (port 8001 of the hub's host) for its routes."""
    host = urlsplit(target.url("/")).hostname
    reply = browser_for(client).send(Request(f"http://{host}:8001/api/routes", timeout=5))
    return Observation({"from another machine": reply.outcome}, reply.transcript)


def login_page_headers(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-11: the status and Content-Security-Policy of ``/hub/login``."""
    reply = browser_for(client).send(Request(target.url("/hub/login")))
    return Observation(
        {
            "status": reply.status,
            "content-security-policy": reply.headers.get("content-security-policy", ""),
        },
        reply.transcript[:900],
    )


def plain_http_to_tls_port(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-28: an ``http://`` request to the hub's TLS port (SU-07's request, at ``/hub/api``)."""
    return single_user.plain_http_answered(client, target, "/hub/api")


def hsts(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-29: the Strict-Transport-Security header of ``/hub/login`` (SU-20's request)."""
    return single_user.hsts(client, target, "/hub/login")


def front_end_tls(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-48: a hub behind a TLS front end, as any client sees it: plain HTTP to the https port and to
    port 80, and the HSTS header of the login page.

    A 4xx/5xx answer or no answer counts as not served (nginx answers plain HTTP on 443 with its own 400
    page and forwards nothing); a redirect from port 80 counts only when it goes to ``https://``.
    """
    browser = browser_for(client)
    plain = browser.send(Request(plain_http(target.url("/hub/api"))))
    port_80 = browser.send(Request(f"http://{urlsplit(target.url('/')).hostname}/hub/login", timeout=5))
    page = browser.send(Request(target.url("/hub/login")))
    location = port_80.headers.get("location", "")
    redirected = port_80.status in (301, 302, 307, 308) and location.startswith("https://")
    return Observation(
        {
            "http:// to the https port": "not served"
            if not plain.status or plain.status >= 400
            else f"served ({plain.status})",
            "http:// on port 80": "redirect to https" if redirected else port_80.outcome,
            "HSTS on the login page": bool(page.headers.get("strict-transport-security")),
        },
        "\n\n".join([plain.transcript[:500], port_80.transcript[:400], page.transcript[:600]]),
    )


def xsrf_cookie_flags(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-30: the flags of the ``_xsrf`` cookie the hub's login page sets."""
    return single_user.xsrf_cookie_flags(client, target, "/hub/login")


def user_token_lists_users(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-31: what an ordinary user's token (``target.token``) gets from the hub's user list."""
    browser = browser_for(client)
    auth = token_header(target.token)
    me = browser.send(Request(target.url("/hub/api/user"), headers=auth))
    users = browser.send(Request(target.url("/hub/api/users"), headers=auth))
    listed = len(users.json()) if users.status == 200 else 0
    return Observation(
        {"GET /hub/api/user": me.status, "GET /hub/api/users": users.status, "users listed": listed},
        me.transcript[:600] + "\n\n" + users.transcript[:600],
    )
