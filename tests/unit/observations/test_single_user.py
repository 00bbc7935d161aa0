"""Single-user observations through the Browser protocol, without a server: refusals are one clear error."""

from dataclasses import dataclass, field
from typing import Any

import pytest

from jsv.errors import TargetRefused
from jsv.observations.single_user import anonymous_kernel_websocket, websocket_origins
from jsv.probes.http import Endpoint, Request


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"message": "Unhandled error"}'
    outcome: str = "HTTP 500"
    transcript: str = "POST /api/kernels\nHTTP 500"

    def json(self) -> Any:
        return {"message": "Unhandled error"}


class NoKernelServer:
    """A browser whose server cannot start a kernel (no ipykernel): every request answers 500."""

    def __init__(self) -> None:
        self.sent: list[Request] = []

    def send(self, request: Request) -> Answer:
        self.sent.append(request)
        return Answer(500)


def test_a_server_that_cannot_start_a_kernel_is_a_clear_refusal_not_a_key_error():
    browser = NoKernelServer()
    with pytest.raises(TargetRefused, match=r"POST /api/kernels answered 500 \(is a kernel such as"):
        websocket_origins(browser, Endpoint("http://127.0.0.1:8888", token="t"))  # type: ignore[arg-type]
    assert [r.method for r in browser.sent] == ["POST"]  # nothing else tried, nothing left to clean up


def test_the_anonymous_handshake_check_refuses_the_same_way():
    browser = NoKernelServer()
    browser.log_in = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    browser.cookie = lambda name: "xsrf"  # type: ignore[attr-defined]
    with pytest.raises(TargetRefused, match=r"^SU-22 needs a kernel .* answered 500"):
        anonymous_kernel_websocket(browser, Endpoint("http://127.0.0.1:8888", token="t"))  # type: ignore[arg-type]


@dataclass
class Handshake:
    status: int
    transcript: str = "GET /api/kernels/k1/channels"

    @property
    def outcome(self) -> str:
        return f"HTTP {self.status}" if self.status else "timeout"


class StartingKernelServer:
    """A server whose kernel starts: POST answers 201; handshakes time out ``slow`` times, then ``answer``."""

    def __init__(self, slow: int, answer: int) -> None:
        self.slow, self.answer, self.handshakes = slow, answer, 0

    def send(self, request: Request) -> Answer:
        if request.method == "POST":
            return KernelStarted(201)
        return Answer(204)

    def log_in(self, *args: Any, **kwargs: Any) -> None:
        return None

    def cookie(self, name: str) -> str:
        return "xsrf"

    def websocket(self, url: str, origin: str | None, *, with_cookies: bool = True) -> Handshake:
        self.handshakes += 1
        return Handshake(0 if self.handshakes <= self.slow else self.answer)


class KernelStarted(Answer):
    def json(self) -> Any:
        return {"id": "k1", "execution_state": "starting"}


def test_a_handshake_held_while_the_kernel_starts_is_asked_again_until_the_server_answers():
    server = StartingKernelServer(slow=2, answer=101)
    seen = anonymous_kernel_websocket(server, Endpoint("http://127.0.0.1:8888", token="t"))  # type: ignore[arg-type]
    assert (seen.value, server.handshakes) == ("HTTP 101", 3)


def test_a_refused_handshake_is_not_repeated():
    server = StartingKernelServer(slow=0, answer=403)
    seen = anonymous_kernel_websocket(server, Endpoint("http://127.0.0.1:8888", token="t"))  # type: ignore[arg-type]
    assert (seen.value, server.handshakes) == ("HTTP 403", 1)
