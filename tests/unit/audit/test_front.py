"""``--front``: a hub behind nginx is judged by its front end (HUB-48), not by the hub's own TLS."""

from __future__ import annotations

import pytest

from jsv.audit.checks import checks_for, listing
from jsv.audit.run import _not_applicable
from jsv.audit.target import Target, detected_front
from jsv.probes.http import Endpoint


@pytest.mark.parametrize(
    ("header", "front"),
    [("nginx/1.26.3", "nginx"), ("nginx", "nginx"), ("TornadoServer/6.5", "none"), ("", "none")],
)
def test_the_front_end_is_read_from_the_server_header(header, front):
    assert detected_front(header) == front


@pytest.mark.parametrize("front", ["none", "nginx"])
def test_each_front_runs_its_own_tls_checks_and_says_why_it_skips_the_others(front):
    hub = Target(Endpoint("https://hub.example.org", "t"), "hub", "6.1.1", True, front)
    skipped = {c.claim_id: _not_applicable(c, hub, allow_writes=True) for c in checks_for("hub")}
    own_tls, behind_nginx = {"HUB-28", "HUB-29"}, {"HUB-48"}
    not_run = {claim_id for claim_id, reason in skipped.items() if reason}
    assert not_run == (behind_nginx if front == "none" else own_tls)
    reason = skipped["HUB-28" if front == "nginx" else "HUB-48"]
    assert reason.endswith("(--front)") and ("behind nginx" in reason)


def test_the_listing_names_the_front_a_check_is_written_for():
    lines = {line.split()[0]: line for line in listing("hub")}
    assert lines["HUB-48"].endswith("front end: nginx") and lines["HUB-28"].endswith("front end: none")
    assert "front end" not in lines["HUB-31"]
