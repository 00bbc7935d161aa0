"""EXT-09 as jsv audit checks it on any server: through the Browser protocol, without a server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from jsv.audit.reference import ReferenceDeployment, checks_run_on
from jsv.errors import NotInPosition
from jsv.observations.remote.extensions import undecorated_icon_route
from jsv.probes.http import Endpoint, Request

LISTING = {
    "server_processes": [{"name": "tool", "launcher_entry": {"icon_url": "/user/a/server-proxy/icon/tool"}}]
}


@dataclass
class Answer:
    status: int
    data: Any = None
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def transcript(self) -> str:
        return f"HTTP {self.status}"

    @property
    def outcome(self) -> str:
        return f"HTTP {self.status}"

    def json(self) -> Any:
        return self.data


@dataclass
class ProxyServer:
    """servers-info answers ``listing`` to the token (302 without); the icon answers ``icon`` to anyone."""

    listing: Answer
    icon: Answer
    sent: list[Request] = field(default_factory=list)

    def send(self, request: Request) -> Answer:
        self.sent.append(request)
        if request.url.endswith("servers-info"):
            return self.listing if request.headers else Answer(302)
        return self.icon


TARGET = Endpoint("https://hub.example.org/user/a", token="t")


@pytest.mark.parametrize(
    ("icon", "seen"), [(Answer(200, body="<svg/>"), "200 content"), (Answer(302), "302 no content")]
)
def test_the_icon_listed_for_the_token_is_asked_for_without_it(icon, seen):
    server = ProxyServer(Answer(200, LISTING), icon)
    observed = undecorated_icon_route(server, TARGET)  # type: ignore[arg-type]
    assert observed.value == {"icon (no decorator)": seen, "servers-info (@web.authenticated)": 302}
    icon_request = server.sent[1]
    assert (
        icon_request.url == "https://hub.example.org/user/a/server-proxy/icon/tool"
        and not icon_request.headers
    )


@pytest.mark.parametrize(
    ("listing", "why"),
    [
        (Answer(404), "not installed"),
        (Answer(200, {"server_processes": []}), "no jupyter-server-proxy process"),
    ],
)
def test_a_server_without_the_extension_or_an_icon_is_not_in_position(listing, why):
    with pytest.raises(NotInPosition, match=why):
        undecorated_icon_route(ProxyServer(listing, Answer(200)), TARGET)  # type: ignore[arg-type]


def test_a_check_about_an_extension_runs_only_where_the_deployment_has_it():
    plain = ReferenceDeployment("plain", "server", "hardened", "no extensions")
    with_proxy = ReferenceDeployment(
        "proxy", "server", "hardened", "jupyter-server-proxy", extensions=frozenset({"jupyter-server-proxy"})
    )
    assert "EXT-09" not in checks_run_on(plain) and "EXT-09" in checks_run_on(with_proxy)
