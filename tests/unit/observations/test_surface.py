"""The hub-API moves of :mod:`jsv.observations.surface` against an in-memory hub: what they create they
delete, the values they mint are secrets, and a token without the position a check needs is a clear
:class:`NotInPosition` (``not-applicable`` in ``jsv audit``), not a verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from jsv.audit import run as audit_run
from jsv.audit.checks import AuditCheck
from jsv.audit.target import Target
from jsv.errors import NotInPosition
from jsv.observations import surface
from jsv.probes.http import Endpoint, Request
from jsv.redaction import redact

MINTED = "minted-token-0123456789abcdef"


@dataclass
class Answer:
    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    outcome: str = ""
    transcript: str = ""

    @property
    def body(self) -> str:
        return json.dumps(self.payload)

    def json(self) -> Any:
        return self.payload


class FakeHub:
    """alice's view of a hub: her ``named`` servers, whether she ``may_share``, the named-server limit."""

    def __init__(self, named: tuple[str, ...] = (), may_share: bool = True, limit: int = 2) -> None:
        self.named = list(named)
        self.may_share = may_share
        self.limit = limit
        self.sent: list[Request] = []

    def send(self, request: Request) -> Answer:
        self.sent.append(request)
        path = request.url.split("/hub/api/", 1)[1]
        method = request.method
        if path == "user":
            return Answer(200, {"kind": "user", "name": "alice"})
        if path == "users/alice":
            return Answer(200, {"name": "alice", "servers": {"": {}, **{n: {} for n in self.named}}})
        if path.startswith("users/alice/servers/"):
            name = path.rsplit("/", 1)[1]
            if method == "DELETE":
                self.named.remove(name)
                return Answer(204)
            if len(self.named) >= self.limit:
                return Answer(400)
            self.named.append(name)
            return Answer(201)
        if path == "users/alice/tokens" and method == "POST":
            asked = json.loads(request.body or "{}")
            if "admin:users" in asked.get("scopes", []):
                return Answer(400)
            return Answer(
                201,
                {
                    "id": f"a{len(self.sent)}",
                    "token": MINTED,
                    "created": "2026-12-02T00:00:00Z",
                    "expires_at": "2026-12-03T00:00:00Z",
                },
            )
        if path.startswith("share-codes/alice/"):
            if not self.may_share:
                return Answer(403)
            if method == "DELETE":
                return Answer(204)
            seconds = json.loads(request.body or "{}")["expires_in"]
            return Answer(400) if seconds > 365 * 86400 else Answer(200, {"id": "sc_1", "code": MINTED})
        return Answer(204 if method == "DELETE" else 404)

    def deleted(self) -> list[str]:
        return [r.url.split("/hub/api/", 1)[1] for r in self.sent if r.method == "DELETE"]


ALICE = Endpoint("http://hub.test:8000", token="alices-token")


def test_named_servers_started_for_the_check_are_removed_again():
    hub = FakeHub()
    seen = surface.named_server_starts(hub, ALICE)  # type: ignore[arg-type]
    assert seen.value == {
        "start the first named server": 201,
        "start the second named server": 201,
        "start the third named server": 400,
    }
    assert hub.deleted() == [f"users/alice/servers/{name}" for name in surface.NAMED_SERVERS[:2]]
    assert hub.named == []


def test_existing_named_servers_make_the_limit_check_not_applicable_before_anything_starts():
    hub = FakeHub(named=("analysis",))
    with pytest.raises(NotInPosition, match=r"^alice has named servers already \(1\)"):
        surface.named_server_starts(hub, ALICE)  # type: ignore[arg-type]
    assert [r.method for r in hub.sent] == ["GET", "GET"]


def test_tokens_made_by_the_checks_are_deleted_and_never_shown():
    hub = FakeHub()
    lifetimes = surface.token_lifetimes(hub, ALICE)  # type: ignore[arg-type]
    scopes = surface.token_scope_requests(hub, ALICE)  # type: ignore[arg-type]
    assert lifetimes.value == {
        "token asked without expiry expires": "after 24 h",
        "token asked for a week": 201,
    }
    assert scopes.value == {"token with admin:users": 400, "token with read:users of her own": 201}
    assert sum(path.startswith("users/alice/tokens/") for path in hub.deleted()) == 3
    assert MINTED not in redact(f"{lifetimes.transcript} {scopes.transcript} {MINTED}")


def test_share_codes_are_deleted_by_id_and_a_user_who_may_not_share_is_not_in_position():
    hub = FakeHub()
    seen = surface.share_code_lifetimes(hub, ALICE)  # type: ignore[arg-type]
    assert seen.value == {"share code for a year and a day": 400, "share code for 30 days": 200}
    assert hub.deleted() == ["share-codes/alice/?id=sc_1"]
    with pytest.raises(NotInPosition, match="may not share a server here"):
        surface.share_code_lifetimes(FakeHub(may_share=False), ALICE)  # type: ignore[arg-type]


def test_the_audit_reports_a_check_out_of_position_as_not_applicable(monkeypatch):
    def refuses(browser: object, target: object) -> surface.Observation:
        raise NotInPosition("alice may not share a server here")

    monkeypatch.setattr(audit_run, "checks_for", lambda kind: (AuditCheck("HUB-34", "hub", refuses),))
    findings = audit_run.audit(Target(ALICE, "hub", "6.1.1"), FakeHub(), allow_writes=True)  # type: ignore[arg-type]
    assert [(f.claim.id, f.verdict, f.observed) for f in findings] == [
        ("HUB-34", "not-applicable", "alice may not share a server here")
    ]
