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
