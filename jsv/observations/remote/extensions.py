"""What a remote client observes of a server's extensions (EXT-09): the checks ``jsv audit`` runs there.

Takes any :class:`~jsv.probes.http.Browser` (the audit's) and the server; a server without the extension
is not in a position to be checked (:class:`~jsv.errors.NotInPosition`, reported ``not-applicable``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from jsv.claims import Observation
from jsv.errors import NotInPosition
from jsv.probes.http import Browser, Request, Target, browser_for, token_header


def _icon_urls(listing: Any) -> list[str]:
    processes = listing.get("server_processes", []) if isinstance(listing, dict) else []
    return [
        p["launcher_entry"]["icon_url"]
        for p in processes
        if isinstance(p, dict) and (p.get("launcher_entry") or {}).get("icon_url")
    ]


def undecorated_icon_route(client: Browser, target: Target) -> Observation:
    """EXT-09 on any server with jupyter-server-proxy: the launcher icon route of the first server process
    the token's ``/server-proxy/servers-info`` lists (its handler has no authentication decorator), and
    ``servers-info`` itself, both asked for without the token.  ``content``: a 200 with a body."""
    browser = browser_for(client)
    info = browser.send(Request(target.url("/server-proxy/servers-info"), headers=token_header(target.token)))
    if info.status == 404:
        raise NotInPosition(
            "jupyter-server-proxy is not installed here (/server-proxy/servers-info answers 404)"
        )
    icons = _icon_urls(info.json()) if info.status == 200 else []
    if not icons:
        raise NotInPosition(
            f"no jupyter-server-proxy process with a launcher icon (servers-info: {info.status})"
        )
    parts = urlsplit(target.url("/"))
    icon = browser.send(Request(f"{parts.scheme}://{parts.netloc}{icons[0]}"))
    listing = browser.send(Request(target.url("/server-proxy/servers-info")))
    served = "content" if icon.status == 200 and icon.body else "no content"
    return Observation(
        {
            "icon (no decorator)": f"{icon.status} {served}",
            "servers-info (@web.authenticated)": listing.status,
        },
        f"{icon.transcript[:600]}\n\n{listing.transcript[:600]}",
    )
