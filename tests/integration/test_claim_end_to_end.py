"""One claim end to end against real servers, and the machinery reporting a failure when the
"hardened" side is in fact insecure."""

import pytest

from jsv.claims import Check, Claim, Fix, Observation, equals, verify
from jsv.environments import JupyterServer
from jsv.errors import ClaimFailed
from jsv.redaction import redact

CLAIM = Claim(
    id="SU-90",
    title="token required",
    statement="GET /api/contents without a token is 403.",
    threat="anyone reaches the API",
    fix=Fix("# keep the token"),
    sources=["SEED-000-02"],
)


def token_check(client):
    def observe(server):
        reply = client.http(server.url("/api/contents"))
        return Observation(reply.status, reply.transcript)

    return Check(observe, equals(403))


def test_claim_verified_against_live_servers(lab, client):
    hardened = lab.start(JupyterServer("hardened").with_args("--ip=0.0.0.0"))
    open_server = lab.start(JupyterServer("open_server", alias="open", token="").with_args("--ip=0.0.0.0"))
    result = verify(CLAIM, token_check(client), hardened, open_server, show=False)
    assert result.status == "verified"
    assert result.negative_control == "failed-as-expected"
    assert result.versions["jupyter_server"] == "2.21.1"
    assert hardened.token not in repr(result.record())


def test_insecure_hardened_side_is_reported_as_failure(lab, client):
    fake_hardened = lab.start(JupyterServer("hardened", token="").with_args("--ip=0.0.0.0"))
    open_server = lab.start(JupyterServer("open_server", alias="open", token="").with_args("--ip=0.0.0.0"))
    with pytest.raises(ClaimFailed, match=r"SU-90: the check failed on the hardened side .*observed 200"):
        verify(CLAIM, token_check(client), fake_hardened, open_server, show=False)


def test_non_discriminating_check_is_reported_as_failure(lab, client):
    hardened = lab.start(JupyterServer("hardened").with_args("--ip=0.0.0.0"))
    also_hardened = lab.start(JupyterServer("open_server", alias="twin").with_args("--ip=0.0.0.0"))
    with pytest.raises(ClaimFailed, match=r"negative control .* passed the check too"):
        verify(CLAIM, token_check(client), hardened, also_hardened, show=False)


def test_token_is_redacted_in_transcripts(lab, client):
    server = lab.start(JupyterServer("hardened").with_args("--ip=0.0.0.0"))
    reply = client.http(server.url(f"/api/status?token={server.token}"))
    assert server.token in reply.transcript
    assert server.token not in redact(reply.transcript)
