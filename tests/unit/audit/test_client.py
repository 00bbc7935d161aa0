"""The audit's browser: the cookie flags it reports are the attributes the server set."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jsv.audit.client import LocalClient
from jsv.probes.http import Request


class CookieSetter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Set-Cookie", "guarded=abcdefgh01234567; HttpOnly; Secure; Path=/")
        self.send_header("Set-Cookie", "_xsrf=2|abcdef|0123|1700000000; Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cookie_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), CookieSetter)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_cookie_flags_are_the_set_cookie_attributes(cookie_server):
    browser = LocalClient()
    browser.send(Request(cookie_server + "/login", with_cookies=True))
    assert browser.cookie_flags("guarded", "127.0.0.1") == {"HttpOnly", "Secure"}
    assert browser.cookie_flags("_xsrf", "127.0.0.1") == frozenset()
    assert browser.cookie_flags("_xsrf", "other.example") is None
    assert browser.cookie_flags("missing", "127.0.0.1") is None
