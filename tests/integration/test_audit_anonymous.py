"""``jsv audit`` without a token against an open Jupyter Server (issue 35, item 6): a server started with
``--IdentityProvider.token=`` answers its API to anyone, and the audit, given no credentials, says so in
its first line and fails SU-01 (and SU-22 with ``--allow-writes``) with their severity, exit 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import requests

from jsv.environments import JupyterServer


def run_audit(url: str, *options: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_TOKEN", "JUPYTERHUB_API_TOKEN")}
    return subprocess.run(
        [sys.executable, "-m", "jsv", "audit", url, *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_an_open_server_audited_without_a_token_fails_su_01(lab, tmp_path):
    open_server = lab.start(
        JupyterServer("open_server", alias="anonymous", token="").with_args(
            "--ip=0.0.0.0", "--IdentityProvider.token="
        )
    )
    url = f"http://{lab.address_of(open_server)}:8888"

    ran = run_audit(url)  # read-only, no token
    print(ran.stdout, ran.stderr)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0].startswith("OPEN: ") and "without credentials" in lines[0], ran.stdout
    first_finding = next(line for line in lines if line[:3] in ("SU-", "HUB", "ADV"))
    assert first_finding.startswith("SU-01   FAIL (high)"), ran.stdout

    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        f"  - claim: SU-07\n    target: '{url}*'\n    reason: TLS ends at the front end\n"
        "    owner: ops@example.org\n    expires: 2999-12-31\n"
    )
    ran = run_audit(url, "--allow-writes", "--format", "json", "--waivers", str(waivers))
    report = json.loads(ran.stdout)
    statuses = {record["id"]: record["status"] for record in report["claims"]}
    print(json.dumps(statuses, indent=1), ran.stderr)
    su22 = next(record for record in report["claims"] if record["id"] == "SU-22")
    print(su22["evidence"])
    assert report["target"]["credentials_required"] is False
    assert report["claims"][0]["id"] == "SU-01"
    assert (statuses["SU-01"], statuses["SU-22"]) == ("fail", "fail"), ran.stdout
    assert (su22["observed"], su22["credentials"]) == ("'HTTP 101'", "none")
    assert statuses["SU-07"] == "waived"  # plain HTTP answered: a failure, waived
    assert statuses["SU-13"] == "fail"  # a terminal for anyone (closed again)
    assert [r["id"] for r in report["claims"][:3]] == ["SU-01", "SU-22", "SU-13"]  # openness first
    assert ran.returncode == 1, ran.stderr
    # the kernel SU-22 started is shut down, the terminal SU-13 opened closed, the served directory clean
    assert requests.get(f"{url}/api/kernels", timeout=10).json() == []
    assert requests.get(f"{url}/api/terminals", timeout=10).json() == []
    files = [item["name"] for item in requests.get(f"{url}/api/contents", timeout=10).json()["content"]]
    assert not [name for name in files if name.startswith(("untitled", ".jsv"))], files
