"""One claim end to end against real servers: verified when the hardened side is built from the
published fix; reported as a failure when the "hardened" side is in fact insecure, when the check
cannot tell the sides apart, and when the fix misspells an option the server then ignores."""

from pathlib import Path

import pytest

from jsv.claims import Observation, Registry, verify
from jsv.claims.expect import equals
from jsv.claims.model import Claim, Fix
from jsv.environments import JupyterServer
from jsv.errors import ClaimFailed


def claim(code: str, not_applied: str = "") -> Claim:
    return Claim(
        id="SU-90",
        title="cross-site writes refused",
        statement="A cookie-only POST is 403.",
        threat="a foreign page writes files with the user's cookie",
        severity="medium",
        fix=Fix("jupyter_server", "jupyter_server_config.py", code, not_applied=not_applied),
        expect=equals(403),
        weakness=equals(200),
        sources=("SEED-000-02",),
        cwe=("CWE-352",),
        asvs=("v5.0.0-3.5.1",),
    )


TOKEN_FIX = "c.IdentityProvider.token = __import__('os').environ['JUPYTER_TOKEN']"


def registry(code: str = TOKEN_FIX, not_applied: str = "") -> Registry:
    return Registry(Path("."), {"SU-90": claim(code, not_applied)}, {"SU-90": "runbooks/fixture"})


def token_check(client):
    def observe(server):
        reply = client.http(server.url("/api/contents"))
        return Observation(reply.status, reply.transcript)

    return observe


def test_claim_verified_against_live_servers_built_from_the_fix(lab, client):
    reg = registry()
    hardened = lab.start(JupyterServer("hardened").with_fix("SU-90", registry=reg).with_args("--ip=0.0.0.0"))
    open_server = lab.start(JupyterServer("open_server", alias="open", token="").with_args("--ip=0.0.0.0"))
    result = verify("SU-90", token_check(client), hardened, open_server, registry=reg, show=False)
    assert result.status == "verified"
    assert result.negative_control == "failed-as-expected"
    assert result.versions["jupyter_server"] == "2.21.1"
    record = result.record()
    assert record.fix.applied is True
    assert hardened.token not in repr(record.to_json())


def test_a_misspelled_option_in_the_fix_fails_the_claim(lab, client):
    """The fix the reader would copy sets ``disable_chek_xsrf``: the server ignores it with a warning."""
    reg = registry("c.ServerApp.disable_chek_xsrf = False")
    hardened = lab.start(JupyterServer("hardened").with_fix("SU-90", registry=reg).with_args("--ip=0.0.0.0"))
    open_server = lab.start(JupyterServer("open_server", alias="open", token="").with_args("--ip=0.0.0.0"))
    with pytest.raises(
        ClaimFailed, match=r"warns about its configuration.*disable_chek_xsrf.*not recognized"
    ):
        verify("SU-90", token_check(client), hardened, open_server, registry=reg, show=False)


def test_insecure_hardened_side_is_reported_as_failure(lab, client):
    reg = registry(not_applied="this test's 'hardened' side is an open server")
    fake_hardened = lab.start(JupyterServer("hardened", token="").with_args("--ip=0.0.0.0"))
    open_server = lab.start(JupyterServer("open_server", alias="open", token="").with_args("--ip=0.0.0.0"))
    with pytest.raises(ClaimFailed, match=r"SU-90: the check failed on the hardened side .*observed 200"):
        verify("SU-90", token_check(client), fake_hardened, open_server, registry=reg, show=False)


def test_non_discriminating_check_is_reported_as_failure(lab, client):
    reg = registry()
    hardened = lab.start(JupyterServer("hardened").with_fix("SU-90", registry=reg).with_args("--ip=0.0.0.0"))
    also_hardened = lab.start(JupyterServer("open_server", alias="twin").with_args("--ip=0.0.0.0"))
    with pytest.raises(ClaimFailed, match=r"negative control .* passed the check too"):
        verify("SU-90", token_check(client), hardened, also_hardened, registry=reg, show=False)


def test_a_token_in_the_url_reaches_the_server_but_not_the_transcript(lab, client):
    """curl reads it from its environment (``--expand-url``): the command as shown names the variable."""
    server = lab.start(JupyterServer("hardened").with_args("--ip=0.0.0.0"))
    reply = client.http(server.url(f"/api/status?token={server.token}"))
    assert reply.status == 200
    assert server.token not in reply.transcript
    assert "token={{JSV_JUPYTER_HARDENED_TOKEN}}" in reply.transcript
