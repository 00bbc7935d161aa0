"""The runbooks' :class:`~jsv.probes.http.Browser`: ``curl`` in a client container, cookies in a jar there."""

from __future__ import annotations

import shlex

from jsv.environments.net_client import HttpReply, NetClient
from jsv.probes.http import LoginReply, Request
from jsv.probes.http import browser_for as browser_for  # moved to jsv.probes.http (no lab import)
from jsv.probes.login import form_login, register_jar, status_of, xsrf_cookie
from jsv.probes.websocket import websocket_handshake
from jsv.redaction import register


class CurlBrowser:
    """Carries :class:`Request` records out with ``curl`` on ``client``; the jar is the session."""

    def __init__(self, client: NetClient, jar: str = "/tmp/jar") -> None:
        self.client = client
        self.jar = jar

    def send(self, request: Request) -> HttpReply:
        options: list[str] = []
        if request.method != "GET":
            options += ["-X", request.method]
        for name, value in request.headers:
            options += ["-H", f"{name}: {value}"]
        if request.with_cookies:  # read and store, as a browser (and the audit's session) does
            options += ["-b", self.jar, "-c", self.jar]
        if request.body is not None:
            options += ["--data", request.body]
        reply = self.client.http(request.url, *options, timeout=request.timeout)
        if request.with_cookies:
            register_jar(self.client, self.jar)
        return reply

    def log_in(
        self, base: str, password: str, *, username: str | None = None, path: str = "/login"
    ) -> LoginReply:
        ran = form_login(self.client, base, password, self.jar, username=username, path=path)
        return LoginReply(status_of(ran), ran.stdout.strip(), ran.transcript)

    def websocket(self, url: str, origin: str | None, *, with_cookies: bool = True) -> HttpReply:
        return websocket_handshake(self.client, url, origin, cookie_jar=self.jar if with_cookies else None)

    def cookie(self, name: str) -> str | None:
        if name == "_xsrf":
            return xsrf_cookie(self.client, self.jar) or None
        ran = self.client.run(f"awk -v n={shlex.quote(name)} '$6==n {{print $7}}' {self.jar}")
        value = ran.stdout.strip()
        return register(value, f"cookie {name}") if value else None

    def cookie_flags(self, name: str, host: str) -> frozenset[str] | None:
        # a Netscape jar line: domain (#HttpOnly_ prefixed), subdomains, path, secure, expiry, name, value
        # (the values stay in the jar: only domain, secure and name are read)
        fields = "awk -F'\\t' 'NF >= 7 {print $1 \"\\t\" $4 \"\\t\" $6}'"
        ran = self.client.run(f"{fields} {self.jar} 2>/dev/null")
        flags = None
        for line in ran.stdout.splitlines():
            domain, secure, cookie_name = [*line.split("\t"), "", ""][:3]
            if cookie_name != name or domain.removeprefix("#HttpOnly_").lstrip(".") != host:
                continue
            flags = frozenset(
                ({"HttpOnly"} if domain.startswith("#HttpOnly_") else set())
                | ({"Secure"} if secure == "TRUE" else set())
            )
        return flags
