"""The audit's :class:`~jsv.probes.http.Browser`: ``requests`` and ``websocket-client`` on this machine.

``requests`` (a session is the cookie jar; TLS verification against the
system store, a ``--ca-file`` or off with ``--insecure``) and
``websocket-client`` (a real RFC 6455 handshake with a chosen ``Origin``)
replace the runbooks' ``curl`` in a container.  Redirects are never followed,
as ``curl`` without ``-L``: a check reads the first answer.  Every cookie the
target sets is registered as a secret before anything can print it.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3
import websocket

from jsv.probes.http import LoginReply, Request
from jsv.redaction import MIN_LENGTH, register

BODY_SHOWN = 300


@dataclass
class LocalReply:
    """One exchange as this machine saw it (``status`` 0 and ``failure`` set when none was made)."""

    request: Request
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    failure: str = ""

    @property
    def outcome(self) -> str:
        return f"HTTP {self.status}" if self.status else self.failure

    @property
    def transcript(self) -> str:
        lines = [f"{self.request.method} {self.request.url}"]
        lines += [
            f"{name}: {'<credential>' if name.lower() in _SECRET_HEADERS else value}"
            for name, value in self.request.headers
        ]
        lines.append(self.outcome)
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body:
            lines.append(self.body[:BODY_SHOWN])
        return "\n".join(lines)

    def json(self) -> Any:
        return json.loads(self.body)


_SECRET_HEADERS = {"authorization", "cookie"}


def failure_of(error: Exception) -> str:
    """A connection error in the words the runbooks use (curl's exit-code classes)."""
    text = str(error)
    if isinstance(error, requests.exceptions.SSLError) or isinstance(error, ssl.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return "hostname mismatch" if "match" in text.lower() else "certificate not trusted"
        return "TLS handshake failed"
    if isinstance(error, requests.exceptions.Timeout | TimeoutError):
        return "timeout"
    if "Name or service not known" in text or "getaddrinfo" in text or "NameResolution" in text:
        return "unresolved host"
    if "Connection refused" in text or isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if "RemoteDisconnected" in text or "BadStatusLine" in text or "Connection aborted" in text:
        return "empty reply"
    if "reset" in text.lower():
        return "connection reset"
    return "no response"


class LocalClient:
    """One browser profile on the auditor's machine.

    ``verify`` is ``True`` (the system trust store), a CA bundle path, or
    ``False`` (``--insecure``).
    """

    def __init__(self, verify: bool | str = True) -> None:
        if verify is False:  # said once by the command line, not once per request
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.verify = verify
        self.session = requests.Session()
        self.session.verify = verify

    def send(self, request: Request) -> LocalReply:
        headers = dict(request.headers)
        sender = self.session.request if request.with_cookies else requests.request
        try:
            answer = sender(
                request.method,
                request.url,
                headers=headers,
                data=request.body,
                timeout=request.timeout,
                allow_redirects=False,
                verify=self.verify,
            )
        except (requests.RequestException, OSError) as error:
            return LocalReply(request, failure=failure_of(error))
        self._register_cookies(answer)
        return LocalReply(request, answer.status_code, _lower(answer.headers), answer.text)

    def log_in(
        self, base: str, password: str, *, username: str | None = None, path: str = "/login"
    ) -> LoginReply:
        url = base.rstrip("/") + path
        form = self.send(Request(url, with_cookies=True))
        fields = {"_xsrf": self.cookie("_xsrf") or "", "password": password}
        if username:
            fields["username"] = username
        try:
            answer = self.session.post(
                url, data=fields, timeout=10, allow_redirects=False, verify=self.verify
            )
        except (requests.RequestException, OSError) as error:
            summary = f"POST {path}: {failure_of(error)}"
            return LoginReply(0, summary, form.transcript + "\n\n" + summary)
        self._register_cookies(answer)
        summary = f"POST {path}: {answer.status_code}"
        return LoginReply(answer.status_code, summary, form.transcript + "\n\n" + summary)

    def websocket(self, url: str, origin: str | None, *, with_cookies: bool = True) -> LocalReply:
        parts = urlsplit(url)
        ws_url = urlunsplit(({"https": "wss", "http": "ws"}[parts.scheme], *parts[1:]))
        shown = Request(url, headers=(("Origin", origin),) if origin else ())
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies) if with_cookies else None
        options: dict[str, Any] = (
            {"cert_reqs": ssl.CERT_NONE, "check_hostname": False} if self.verify is False else {}
        )
        if isinstance(self.verify, str):
            options["ca_certs"] = self.verify
        try:
            connection = websocket.create_connection(
                ws_url,
                timeout=5,
                origin=origin,
                suppress_origin=origin is None,
                cookie=cookie,
                sslopt=options,
            )
        except websocket.WebSocketBadStatusException as refused:
            return LocalReply(shown, refused.status_code, _lower(refused.resp_headers or {}))
        except (websocket.WebSocketException, OSError) as error:
            return LocalReply(shown, failure=failure_of(error))
        connection.close()
        return LocalReply(shown, 101)

    def cookie(self, name: str) -> str | None:
        value = self.session.cookies.get(name)
        return register(value, f"cookie {name}") if value and len(value) >= MIN_LENGTH else value

    def cookie_flags(self, name: str, host: str) -> frozenset[str] | None:
        flags = None
        for cookie in self.session.cookies:
            # http.cookiejar keeps a host-only cookie under the host (a dotless one as host.local)
            domain = cookie.domain.lstrip(".").removesuffix(".local")
            if cookie.name != name or domain != host:
                continue
            http_only = cookie.has_nonstandard_attr("HttpOnly") or cookie.has_nonstandard_attr("httponly")
            flags = frozenset(
                ({"HttpOnly"} if http_only else set()) | ({"Secure"} if cookie.secure else set())
            )
        return flags

    @staticmethod
    def _register_cookies(answer: requests.Response) -> None:
        for cookie in answer.cookies:
            if cookie.value and len(cookie.value) >= MIN_LENGTH:
                register(cookie.value, f"cookie {cookie.name}")


def _lower(headers: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in dict(headers).items()}
