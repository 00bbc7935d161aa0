"""HTTP exchanges as records, independent of who sends them.

An observation (:mod:`jsv.observations`) describes the requests a claim's
check makes as :class:`Request` records and reads the :class:`Reply` it gets
back.  Two clients carry them out: :class:`~jsv.environments.NetClient`
(``curl`` in a container on the lab network, for the runbooks) and
:class:`~jsv.audit.client.LocalClient` (``requests`` and ``websocket-client``
on the auditor's own machine, for ``jsv audit``).  So the site and the audit
run one check, not two implementations of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Request:
    """One request: ``with_cookies`` sends the session's cookies, as a page in the logged-in browser."""

    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    with_cookies: bool = False
    body: str | None = None
    timeout: float = 10

    def header(self, name: str, value: str) -> Request:
        """The same request with one more header."""
        return Request(
            self.url, self.method, (*self.headers, (name, value)), self.with_cookies, self.body, self.timeout
        )


class Reply(Protocol):
    """What came back: ``status`` 0 and ``outcome`` naming the failure when no HTTP answer came."""

    status: int
    headers: dict[str, str]
    body: str

    @property
    def outcome(self) -> str: ...

    @property
    def transcript(self) -> str: ...

    def json(self) -> Any: ...


@dataclass(frozen=True)
class LoginReply:
    """A form login: ``summary`` is ``POST <path>: <status>``, as the runbooks print it."""

    status: int
    summary: str
    transcript: str


class Browser(Protocol):
    """An HTTP client with a cookie session (one browser profile)."""

    def send(self, request: Request) -> Reply: ...

    def log_in(
        self, base: str, password: str, *, username: str | None = None, path: str = "/login"
    ) -> LoginReply: ...

    def websocket(self, url: str, origin: str | None, *, with_cookies: bool = True) -> Reply:
        """An opening handshake (RFC 6455 4.1); ``status`` 101 means the server accepted it."""
        ...

    def cookie(self, name: str) -> str | None:
        """The value of the session's cookie ``name`` (already registered as a secret), if any."""
        ...

    def cookie_flags(self, name: str, host: str) -> frozenset[str] | None:
        """The attributes ``Secure`` and ``HttpOnly`` the session's cookie ``name`` for ``host`` was set with.

        ``None`` when the session holds no such cookie; never the value.
        """
        ...


@dataclass(frozen=True)
class Endpoint:
    """Where a Jupyter server or hub answers, and the credential to present there."""

    base: str
    """``scheme://host[:port]`` and any base path, without a trailing slash."""
    token: str = field(default="", repr=False)

    def url(self, path: str = "/") -> str:
        return self.base.rstrip("/") + path

    def host(self) -> str:
        return urlsplit(self.base).hostname or ""


class Target(Protocol):
    """A server or hub as the observations address it (an environment, or an :class:`Endpoint`)."""

    @property
    def token(self) -> str: ...

    def url(self, path: str = "/") -> str: ...


def plain_http(url: str) -> str:
    """``url``'s host and port in plain ``http://`` (an ``https`` URL without a port: 443)."""
    parts = urlsplit(url)
    netloc = parts.netloc if parts.port or parts.scheme == "http" else f"{parts.hostname}:443"
    return urlunsplit(("http", netloc, parts.path, parts.query, ""))


def token_header(token: str) -> tuple[tuple[str, str], ...]:
    return (("Authorization", f"token {token}"),)


def browser_for(client: Any) -> Browser:
    """The audit passes its own browser (anything that sends a :class:`Request`); a runbook passes its
    client container, which :class:`~jsv.probes.curl_browser.CurlBrowser` drives with curl (imported
    only then: it is the lab's, and the audit's install has no lab)."""
    if hasattr(client, "send"):
        return client
    from jsv.probes.curl_browser import CurlBrowser

    return CurlBrowser(client)
