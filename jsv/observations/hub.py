"""What a client (and mallory, a local user) observes of a JupyterHub (HUB-02/03, 06..09, 11, 19, 20, 24..27).

Used by ``runbooks/hub/*`` and by the assembled-configuration run in
``runbooks/checklists/hub.md``.  Every function takes the client machine (a
:class:`~jsv.environments.NetClient` on the lab network) and the hub, and
sends what a browser or ``curl`` on another machine could — or, where the
claim is about a local user, what ``mallory`` can run on the hub's machine.
The ``plant_*`` helpers put the files a claim's weakness needs into alice's
home before her server starts.  The checks ``jsv audit`` also runs (HUB-02, 11, 28..31) live in
:mod:`jsv.observations.remote.hub`, which imports nothing of the lab, and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from jsv.claims import Observation
from jsv.environments import JupyterHub, Lab, NetClient, Situation
from jsv.observations.remote.hub import (  # noqa: F401 (the remote checks, re-exported for the runbooks)
    front_end_tls,
    hsts,
    login_page_headers,
    outsider_reaches_proxy_api,
    plain_http_to_tls_port,
    user_token_lists_users,
    xsrf_cookie_flags,
)
from jsv.probes import TrafficCapture
from jsv.probes.http import Endpoint, Target
from jsv.probes.login import browse, consent, cookie_request, hub_session, landing, status_of
from jsv.redaction import register

WEAKENING = "c.ServerApp.disable_check_xsrf = True\n"
"""alice's own ``~/.jupyter/jupyter_server_config.py``: what ``disable_user_config`` must ignore."""
USER_SITE = "/home/alice/.local/lib/python3.13/site-packages"
USERCUSTOMIZE = (
    "import os\n"
    "os.environ.pop('JUPYTERHUB_DISABLE_USER_CONFIG', None)\n"
    "open('/tmp/usercustomize-ran', 'w').close()\n"
)
PROFILE = "unset JUPYTERHUB_DISABLE_USER_CONFIG\ntouch /tmp/profile-ran\n"
SERVER_ADDRESS = (
    "import sqlite3; print(*sqlite3.connect('/srv/jupyterhub/jupyterhub.sqlite').execute("
    "'select s.proto, s.port from servers s join spawners sp on sp.server_id = s.id "
    "join users u on sp.user_id = u.id where u.name = ? and sp.name = ?', ({user!r}, '')).fetchone())"
)


# -- alice's home, before her server starts ---------------------------------------------
def plant_user_config(hub: JupyterHub) -> None:
    """HUB-08: alice's own server config turns the XSRF check off."""
    hub.put_file("/home/alice/.jupyter/jupyter_server_config.py", WEAKENING, 0o644, owner="alice")
    hub.run("chown alice:alice /home/alice/.jupyter")


def plant_usercustomize(hub: JupyterHub) -> None:
    """HUB-19: the server's venv reads system site-packages; alice's usercustomize.py drops the hub's flag."""
    # the insecure-by-default case: a server environment that includes system site-packages
    hub.run(
        "sed -i 's/^include-system-site-packages = false/include-system-site-packages = true/' "
        "/opt/jupyterhub/pyvenv.cfg"
    )
    hub.run(f"install -d -o alice -g alice {USER_SITE}")
    hub.put_file(f"{USER_SITE}/usercustomize.py", USERCUSTOMIZE, 0o644, owner="alice")
    hub.run("chown -R alice:alice /home/alice")


def plant_bash_profile(hub: JupyterHub) -> None:
    """HUB-20: alice's ``~/.bash_profile`` undoes the hub's flag if a login shell runs it."""
    hub.put_file("/home/alice/.bash_profile", PROFILE, 0o644, owner="alice")
    hub.run("chown -R alice:alice /home/alice")


def mint_token(hub: JupyterHub, scopes: list[str] | None) -> tuple[str, list[str]]:
    """HUB-07: alice's token for a dashboard, with ``scopes`` (``None``: created without, i.e. inherit)."""
    body = {"note": "dashboard", **({"scopes": scopes} if scopes is not None else {})}
    status, token_model, ran = hub.api("users/alice/tokens", "POST", body)
    assert status == 201, (status, ran.transcript)
    return register(token_model["token"], "alice-dashboard-token"), token_model["scopes"]


def server_address(hub: JupyterHub, user: str = "alice") -> tuple[str, int]:
    """The scheme and loopback port of ``user``'s server, as the hub recorded them in its database."""
    ran = hub.run(["/opt/jupyterhub/bin/python", "-c", SERVER_ADDRESS.format(user=user)])
    proto, port = ran.stdout.split()
    return proto, int(port)


# -- observations ------------------------------------------------------------------------


def secrets_on_loopback(lab: Lab, client: NetClient, target: JupyterHub) -> Observation:
    """HUB-03: the hub's internal traffic (loopback, not the public port) while alice works and bob starts."""
    jar = f"/tmp/jar-{target.alias}"
    target.spawn("alice")
    login = hub_session(client, target, "alice", jar)
    alice_cookie = client.run(f"awk '$6==\"jupyterhub-user-alice\" {{print $7}}' {jar}").stdout.strip()
    with TrafficCapture(lab, target, interface="lo", expression="tcp and not port 8000") as capture:
        used = browse(client, target.url("/user/alice/api/status"), jar=jar)
        target.spawn("bob")
    text = capture.text
    request_lines = sum(line.split(": ", 1)[-1].startswith(("GET /", "POST /")) for line in text.splitlines())
    return Observation(
        {
            "alice's request answered": landing(used)[0],
            "bytes captured": len(text) > 1000,
            "proxy token in capture": target.proxy_token in text,
            "alice's server cookie in capture": bool(alice_cookie) and alice_cookie in text,
            "cleartext HTTP request lines": request_lines,
        },
        "\n".join([login.transcript, used.transcript, capture.transcript]),
    )


def visitors_on_alices_server(client: NetClient, target: JupyterHub) -> Observation:
    """HUB-06: bob and carol log in, open alice's server (consenting if asked) and list her files."""
    observed, transcripts = {}, []
    for visitor in ("bob", "carol"):
        jar = f"/tmp/jar-{target.alias}-{visitor}"
        session = hub_session(client, target, visitor, jar)
        visit = browse(client, target.url("/user/alice/files/"), jar=jar)
        consent(client, visit, jar)  # "Authorize" on the hub's consent page, if it asks
        listing = cookie_request(client, target.url("/user/alice/api/contents"), jar=jar)
        observed[f"{visitor}: GET /user/alice/api/contents"] = status_of(listing)
        transcripts += [session.transcript, listing.transcript]
    return Observation(observed, "\n".join(transcripts))


def token_powers(client: NetClient, situation: Situation) -> Observation:
    """HUB-07: what alice's token (``situation.token``) can do from another machine."""
    hub, auth = cast(JupyterHub, situation.machine), ("-H", f"Authorization: token {situation.token}")
    profile = client.http(hub.url("/hub/api/users/alice"), *auth)
    contents = client.http(hub.url("/user/alice/api/contents"), *auth)
    stop = client.http(hub.url("/hub/api/users/alice/server"), "-X", "DELETE", *auth)
    return Observation(
        {
            "read alice's profile": profile.status,
            "list alice's files": contents.status,
            "stop alice's server": stop.status,
        },
        "\n\n".join(r.transcript for r in (profile, contents, stop)),
    )


def cross_site_write(client: NetClient, target: JupyterHub) -> Observation:
    """HUB-08: a request riding on alice's browser session (cookie only) tries to create a notebook."""
    jar = f"/tmp/jar-{target.alias}-alice"
    session = hub_session(client, target, "alice", jar)
    write = cookie_request(
        client,
        target.url("/user/alice/api/contents"),
        "-X POST",
        "-H 'Content-Type: application/json'",
        '-d \'{"type": "notebook"}\'',
        jar=jar,
    )
    return Observation(
        {"cookie-only POST /api/contents": status_of(write)}, session.transcript + "\n" + write.transcript
    )


def _planted_file_ran(client: NetClient, target: JupyterHub, flag: str, label: str) -> Observation:
    """Whether a file alice planted left ``flag`` behind (it ran), and the cross-site write."""
    ran = target.run(f"test -e {flag} && echo ran || echo 'not run'")
    write = cross_site_write(client, target)
    return Observation(
        {f"alice's {label} ran": ran.stdout.strip() == "ran", **write.value},
        ran.transcript + "\n" + write.transcript,
    )


def user_site_in_server(client: NetClient, target: JupyterHub) -> Observation:
    """HUB-19: whether alice's usercustomize.py ran in her server, and the cross-site write."""
    return _planted_file_ran(client, target, "/tmp/usercustomize-ran", "usercustomize.py")


def profile_in_server(client: NetClient, target: JupyterHub) -> Observation:
    """HUB-20: whether alice's .bash_profile ran before her server, and the cross-site write."""
    return _planted_file_ran(client, target, "/tmp/profile-ran", ".bash_profile")


def direct_to_alices_port(client: NetClient, target: JupyterHub) -> Observation:
    """HUB-09: alice's server port, from another machine and from mallory on the hub's machine."""
    proto, port = server_address(target)
    outside = client.http(f"http://{target.alias}:{port}/user/alice/api/contents")
    local = target.run(
        f"curl -sk -o /dev/null -w '%{{http_code}}' {proto}://127.0.0.1:{port}/user/alice/api/contents",
        user="mallory",
    )
    return Observation(
        {"from another machine": outside.outcome, "mallory, no credentials": int(local.stdout or 0)},
        "\n".join([outside.transcript, local.transcript]),
    )


def as_token_holder(
    observation: Callable[[NetClient, Target], Observation], client: NetClient
) -> Callable[[Situation], Observation]:
    """On the runbook pages: ``observation`` sent from ``client`` with the token of a :class:`Situation`.

    The observation sees an :class:`Endpoint` (the hub's URL and that token), as it does
    under ``jsv audit`` with the reader's token.
    """
    return lambda situation: observation(
        client, Endpoint(cast(JupyterHub, situation.machine).url("").rstrip("/"), situation.token)
    )


def mallory_without_client_certificate(target: JupyterHub) -> Observation:
    """With internal_ssl: mallory's requests to the proxy's API and alice's server (curl exit codes)."""
    _, port = server_address(target)
    commands = {
        "proxy API": "https://127.0.0.1:8001/api/routes",
        "alice's server": f"https://127.0.0.1:{port}/user/alice/api/contents",
    }
    observed, transcripts = {}, []
    for name, url in commands.items():
        ran = target.run(f'curl -sk -o /dev/null {url}; echo "curl exit $?"', user="mallory")
        observed[name] = ran.stdout.strip()
        transcripts.append(ran.transcript)
    return Observation(observed, "\n".join(transcripts))
