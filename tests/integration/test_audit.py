"""``jsv audit`` from this machine against the project's own servers: every audited claim passes on
the hardened side (built from the published fixes, as the checklist page assembles them) and fails
on the insecure twin, the verdicts the runbooks reach.  The audit runs as a reader runs it: a
subprocess with the token in the environment only, its whole output scanned for the token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jsv.audit.checks import checks_for
from jsv.claims.checklist import assembled_config, claims_of
from jsv.claims.registry import load_registry
from jsv.environments import JupyterHub, JupyterServer, VulnerableJupyterHub, VulnerableJupyterServer
from jsv.observations.hub import mint_token
from jsv.redaction import new_token

ROOT = Path(__file__).resolve().parents[2]

WEAK_SERVER = (
    "c.ServerApp.disable_check_xsrf = True",
    "c.ServerApp.allow_origin = '*'",
    "c.ServerApp.allow_credentials = True",
    "c.ServerApp.tornado_settings = {'headers': {'Content-Security-Policy': 'frame-ancestors *'}}",
    "c.ContentsManager.allow_hidden = True",
)
WEAK_HUB = (
    "c.ConfigurableHTTPProxy.api_url = 'http://0.0.0.0:8001'",
    "c.JupyterHub.tornado_settings = {'headers': {'Content-Security-Policy': 'frame-ancestors *'}}",
    # every user lists the users (HUB-31) and shares (HUB-34 runs); one role, since a user role in
    # load_roles makes JupyterHub ignore extra_user_scopes (with a warning, app.py:2404)
    "c.JupyterHub.load_roles.append("
    "{'name': 'user', 'scopes': ['self', 'list:users', 'read:users', 'shares!user', 'read:users:name']})",
    "c.JupyterHub.allow_named_servers = True",
    "c.JupyterHub.authenticate_prometheus = False",
)


def audit(url: str, token: str, *options: str) -> tuple[int, dict, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_TOKEN", "JUPYTERHUB_API_TOKEN")}
    if token:
        env["JUPYTER_TOKEN"] = token
    ran = subprocess.run(
        [sys.executable, "-m", "jsv", "audit", url, "--format", "json", "--allow-writes", *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    output = ran.stdout + ran.stderr
    assert not token or token not in output, "the audit printed the token"
    report = json.loads(ran.stdout) if ran.stdout.strip() else {}
    return ran.returncode, report, output


def verdicts(report: dict) -> dict[str, str]:
    return {record["id"]: record["status"] for record in report["claims"]}


def observed(report: dict) -> str:
    return "\n".join(f"{r['id']} {r['status']}: {r['observed']}\n{r['evidence']}" for r in report["claims"])


@pytest.fixture
def tls_files(client):
    made = client.run(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=audit "
        "-keyout /tmp/key.pem -out /tmp/cert.pem 2>&1"
    )
    assert made.exit_code == 0, made.stdout
    return client.run("cat /tmp/key.pem").stdout, client.run("cat /tmp/cert.pem").stdout


def test_single_user_audit_matches_the_runbooks(lab, tls_files):
    key, cert = tls_files
    assembled = assembled_config(claims_of(load_registry(ROOT), ["SU"]), "jupyter_server_config.py")
    hardened = lab.start(
        JupyterServer("assembled", alias="audited")
        .with_config(assembled)
        .with_file("/home/alice/tls/privkey.pem", key, 0o600)
        .with_file("/home/alice/tls/fullchain.pem", cert, 0o644)
        .with_file("/home/alice/projects/README.md", "the served directory\n", 0o644)
        .with_args("--ip=0.0.0.0")
    )
    weak = lab.start(JupyterServer("weak", alias="weak").with_config(*WEAK_SERVER).with_args("--ip=0.0.0.0"))
    open_server = lab.start(JupyterServer("open_server", alias="open", token="").with_args("--ip=0.0.0.0"))
    old = lab.start(VulnerableJupyterServer("vulnerable", alias="old").with_args("--ip=0.0.0.0"))
    audited = {check.claim_id for check in checks_for("server")}
    advisories = {check.claim_id for check in checks_for("server") if check.by_version}

    code, report, output = audit(f"https://{lab.address_of(hardened)}:8888", hardened.token, "--insecure")
    assert verdicts(report) == dict.fromkeys(audited, "pass"), observed(report)
    assert code == 0, output
    assert report["target"]["versions"]["server"] == hardened.versions()["jupyter_server"]

    code, report, output = audit(f"http://{lab.address_of(weak)}:8888", weak.token)
    assert code == 1, output
    # the weak twin runs the pinned release: the advisories hold there, everything configured fails
    assert verdicts(report) == {
        **dict.fromkeys(audited, "fail"),
        "SU-01": "pass",
        "SU-22": "pass",
        **dict.fromkeys(advisories, "pass"),
    }, observed(report)

    # the release before the advisories' fixes (the runbook's control, containers/single-user-adv)
    code, report, output = audit(f"http://{lab.address_of(old)}:8888", old.token)
    assert {i: v for i, v in verdicts(report).items() if i in advisories} == dict.fromkeys(advisories, "fail")
    assert report["target"]["versions"]["server"] == old.versions()["jupyter_server"], output

    code, report, output = audit(f"http://{lab.address_of(open_server)}:8888", new_token("any-token"))
    assert (verdicts(report)["SU-01"], verdicts(report)["SU-22"]) == ("fail", "fail"), output


def test_hub_audit_matches_the_runbooks(lab):
    hardened = lab.start(
        JupyterHub("hardened", alias="audithub")
        .with_own_tls(configure=False)
        .with_fix("HUB-02", "HUB-03", "HUB-11", "HUB-21", "HUB-24", "HUB-26", "HUB-27")
        .with_fix("HUB-28", "HUB-29", "HUB-30", "HUB-31", "HUB-33")
    )
    weak = lab.start(JupyterHub("weak", alias="weakhub").with_config(*WEAK_HUB))
    old = lab.start(VulnerableJupyterHub("vulnerable", alias="oldhub"))
    for hub in (hardened, weak):
        hub.spawn("alice")  # a share code is for a server (HUB-34)
    audited = {check.claim_id for check in checks_for("hub")}
    advisories = {check.claim_id for check in checks_for("hub") if check.by_version}
    # bounds in the hub's code (HUB-25, 32, 34): no configuration loosens them, so they hold on the twin too
    code_bounds = {claim_id for claim_id in audited if load_registry(ROOT).claim(claim_id).no_control}

    token, _ = mint_token(hardened, None)  # alice's token, all of her scopes (an ordinary user's)
    code, report, _ = audit(f"https://{lab.address_of(hardened)}:8000", token, "--insecure")
    assert (code, verdicts(report)) == (0, dict.fromkeys(audited, "pass")), observed(report)
    assert report["target"]["versions"]["hub"] == hardened.versions()["jupyterhub"]

    token, _ = mint_token(weak, None)
    code, report, _ = audit(f"http://{lab.address_of(weak)}:8000", token)
    # the weak twin runs the pinned release: the advisories hold there, everything configured fails
    expected = {**dict.fromkeys(audited, "fail"), **dict.fromkeys(advisories | code_bounds, "pass")}
    assert (code, verdicts(report)) == (1, expected), observed(report)

    # jupyterhub 6.0.1, the release before the advisories' fixes (containers/hub-adv)
    token, _ = mint_token(old, None)
    code, report, _ = audit(f"http://{lab.address_of(old)}:8000", token)
    assert {i: v for i, v in verdicts(report).items() if i in advisories} == dict.fromkeys(advisories, "fail")
    assert report["target"]["versions"]["hub"] == old.versions()["jupyterhub"] == "6.0.1"


def test_connection_refused_is_one_line_and_exit_2(lab, client):
    code, report, output = audit(f"http://{lab.address_of(client)}:8888", "")
    assert code == 2 and report == {}
    assert output.strip().splitlines()[-1].startswith("jsv audit: http://"), output
    assert "connection refused" in output
