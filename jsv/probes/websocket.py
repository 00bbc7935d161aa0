"""A WebSocket opening handshake with a chosen ``Origin`` header (RFC 6455, section 4.1)."""

from __future__ import annotations

import base64
import os

from jsv.environments.net_client import HttpReply, NetClient


def websocket_handshake(
    client: NetClient, url: str, origin: str | None, *headers: str, cookie_jar: str | None = None
) -> HttpReply:
    """Send the upgrade request; ``101`` means the server accepted the WebSocket.

    ``cookie_jar`` (a curl jar in the client) sends the browser's cookies, as a
    page in the logged-in browser would.
    """
    key = base64.b64encode(os.urandom(16)).decode()
    options = [
        "-H",
        "Connection: Upgrade",
        "-H",
        "Upgrade: websocket",
        "-H",
        "Sec-WebSocket-Version: 13",
        "-H",
        f"Sec-WebSocket-Key: {key}",
    ]
    if origin is not None:
        options += ["-H", f"Origin: {origin}"]
    for header in headers:
        options += ["-H", header]
    if cookie_jar:
        options += ["-b", cookie_jar]
    # After a 101 the connection stays open; curl stops at --max-time (exit 28).
    return client.http(url, *options, timeout=3)
