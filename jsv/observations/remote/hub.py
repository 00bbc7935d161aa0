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
from jsv.probes.http import Browser, Request, Target, browser_for, token_header

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
