"""Moves of ordinary users on the hub's API (HUB-22, 24..27, 32..34), from the attack-surface pass.

Two positions.  Code in alice's notebook holds her server's token
(``$JUPYTERHUB_API_TOKEN``); alice owns the process, so she reads it from
``/proc/<pid>/environ`` exactly as that code would from ``os.environ``
(:func:`server_token_moves` keeps it in a shell variable, so the transcript
shows ``$T``, never the value).  Everything else is sent to the hub's public
URL by the holder of a user's token — the runbooks' client on the lab
network, or ``jsv audit`` on the reader's machine with the reader's token —
so one function is the check of both.  What a check creates (tokens, share
codes, named servers) it deletes again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from jsv.claims import Observation
from jsv.environments import JupyterHub, NetClient
from jsv.environments.command_line import curl_token_header
from jsv.errors import NotInPosition
from jsv.probes.curl_browser import browser_for
from jsv.probes.http import Browser, Reply, Request, Target, token_header
from jsv.redaction import register

API = "http://127.0.0.1:8000/hub/api"
Move = tuple[str, str, str]
"""method, path under /hub/api, JSON body (NOW stands for the hub's clock)."""
MOVES: dict[str, Move] = {
    "post activity": ("POST", "users/alice/activity", '{"last_activity": "NOW"}'),
    "mint a token": ("POST", "users/alice/tokens", '{"note": "from the server token"}'),
    "share the server with bob": ("POST", "shares/alice/", '{"user": "bob"}'),
    "stop the server": ("DELETE", "users/alice/server", ""),
}
SHARERS = ("alice", "bob")
"""alice is in the group the sharing role names, bob is not."""
READ_TOKEN = (
    "pid=$(pgrep -u alice -f jupyterhub-singleuser | head -n 1); "
    "export T=$(tr '\\0' '\\n' < /proc/$pid/environ | sed -n 's/^JUPYTERHUB_API_TOKEN=//p'); "
    "NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ); "
    '[ -n "$T" ] || { echo no-token; exit 1; }'
)


def _curl(method: str, path: str, body: str) -> str:
    data = f" -H 'Content-Type: application/json' -d \"$(echo '{body}' | sed s/NOW/$NOW/)\"" if body else ""
    return (
        f'curl -s -o /dev/null -w "%{{http_code}}\\n" -X {method} {curl_token_header("T")}{data} {API}/{path}'
    )


def server_token_moves(target: JupyterHub) -> Observation:
    """HUB-22: the status of each write alice attempts, in order, with her server's token."""
    script = "; ".join([READ_TOKEN, *(_curl(*move) for move in MOVES.values())])
    ran = target.run(script, user="alice")
    codes = ran.stdout.split()
    if len(codes) != len(MOVES):
        return Observation({"error": ran.stdout.strip() or ran.stderr.strip()}, f"$ {script}\n{ran.stdout}")
    observed = {name: int(code) for name, code in zip(MOVES, codes, strict=True)}
    lines = [
        f"{name}: {method} /hub/api/{path} -> {code}"
        for (name, (method, path, _)), code in zip(MOVES.items(), codes, strict=True)
    ]
    return Observation(
        observed, "as alice, with $T = her server's $JUPYTERHUB_API_TOKEN:\n" + "\n".join(lines)
    )


def user_token(target: JupyterHub, user: str, expires_in: int | None = None) -> str:
    """An API token for ``user`` as she would make one (no scopes: it inherits hers), redacted everywhere."""
    body = {"note": "the runbook's", **({"expires_in": expires_in} if expires_in else {})}
    status, model, ran = target.api(f"users/{user}/tokens", "POST", body)
    if status != 201:
        detail = (ran.stdout + ran.stderr)[-200:]
        raise AssertionError(
            f"minting {user}'s token on {target.alias} answered {status} (exit {ran.exit_code}): {detail}"
        )
    return register(model["token"], f"{target.alias}-{user}-api-token")


def share_code_requests(target: JupyterHub, users: tuple[str, ...] = SHARERS) -> Observation:
    """HUB-24: each user, with her own token, asks for a share code of her running server."""
    observed: dict[str, int] = {}
    for user in users:
        status, model, _ = target.api(
            f"share-codes/{user}/", "POST", {"expires_in": 3600}, user_token(target, user)
        )
        if status == 200:
            register(model["code"], f"{target.alias}-{user}-share-code")
        observed[f"{user} creates a share code"] = status
    lines = [
        f"{name.split()[0]}: POST /hub/api/share-codes/{name.split()[0]}/ -> {code}"
        for name, code in observed.items()
    ]
    return Observation(
        observed, "each with her own API token (the code itself is not shown):\n" + "\n".join(lines)
    )


NAMED_SERVERS = ("jsv-check-1", "jsv-check-2", "jsv-check-3")
ORDINALS = ("first", "second", "third")


# -- through the hub's public URL, as the token's holder (the runbooks' client, or ``jsv audit``) ------
def _hub_api(
    browser: Browser, target: Target, path: str, method: str = "GET", body: object = None, timeout: float = 10
) -> Reply:
    headers = token_header(target.token)
    if body is not None:
        headers = (*headers, ("Content-Type", "application/json"))
    data = json.dumps(body) if body is not None else None
    return browser.send(Request(target.url(f"/hub/api/{path}"), method, headers, body=data, timeout=timeout))


SPAWN_ANSWER_SECONDS = 60
"""A start is answered once the server is up or after the hub's slow_spawn_timeout (10 s by default)."""


def token_owner(browser: Browser, target: Target) -> str:
    """The name of the user the token belongs to (``GET /hub/api/user``)."""
    reply = _hub_api(browser, target, "user")
    if reply.status != 200 or reply.json().get("kind") != "user":
        raise NotInPosition(
            f"GET /hub/api/user with the token answered {reply.status}: the check needs a user's token"
        )
    return str(reply.json()["name"])


def _delete_tokens(browser: Browser, target: Target, user: str, models: list[dict[str, Any]]) -> None:
    for model in models:
        _hub_api(browser, target, f"users/{user}/tokens/{model['id']}", "DELETE")


def named_server_starts(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-26: the token's owner starts three named servers one after the other; all are removed again."""
    browser = browser_for(client)
    user = token_owner(browser, target)
    existing = [name for name in _hub_api(browser, target, f"users/{user}").json().get("servers", {}) if name]
    if existing:
        raise NotInPosition(
            f"{user} has named servers already ({len(existing)}), which the limit counts: stop them first"
        )
    observed, lines, started = {}, [], []
    try:
        for ordinal, name in zip(ORDINALS, NAMED_SERVERS, strict=True):
            path = f"users/{user}/servers/{name}"
            status = _hub_api(browser, target, path, "POST", {}, SPAWN_ANSWER_SECONDS).status
            observed[f"start the {ordinal} named server"] = status
            lines.append(f"POST /hub/api/users/{user}/servers/{name} -> {status}")
            if status in (201, 202):
                started.append(name)
    finally:  # stop and forget them (DELETE interrupts a pending start too)
        for name in started:
            _hub_api(browser, target, f"users/{user}/servers/{name}", "DELETE", {"remove": True}, 30)
    return Observation(observed, f"as {user}, with her own API token:\n" + "\n".join(lines))


def token_lifetimes(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-27: the token's owner asks for a token without an expiry, and for one that lasts a week."""
    browser = browser_for(client)
    user = token_owner(browser, target)
    made: list[dict[str, Any]] = []
    try:
        unbounded = _made_token(browser, target, user, {"note": "jsv: no expiry asked"}, made)
        expires = _lifetime(made[-1]) if unbounded == 201 else f"not created ({unbounded})"
        week = _made_token(browser, target, user, {"note": "jsv: a week", "expires_in": 7 * 86400}, made)
    finally:
        _delete_tokens(browser, target, user, made)
    observed = {"token asked without expiry expires": expires, "token asked for a week": week}
    return Observation(
        observed,
        f"as {user}, with her own API token (the tokens made are deleted again):\n"
        f"POST /hub/api/users/{user}/tokens {{}} -> {unbounded}, expires_at: {expires}\n"
        f'POST /hub/api/users/{user}/tokens {{"expires_in": 604800}} -> {week}',
    )


def _made_token(
    browser: Browser, target: Target, user: str, body: dict[str, Any], made: list[dict[str, Any]]
) -> int:
    """Ask for a token; a token created is registered as a secret and kept in ``made`` (to delete)."""
    reply = _hub_api(browser, target, f"users/{user}/tokens", "POST", body)
    if reply.status == 201:
        model = reply.json()
        register(model["token"], f"{user}-token-{len(made)}")
        made.append(model)
    return reply.status


def _lifetime(model: dict[str, str | None]) -> str:
    """How long after its creation a token model says it expires, in whole hours, or ``never``."""
    if not model.get("expires_at"):
        return "never"
    created = datetime.fromisoformat(str(model["created"]).replace("Z", "+00:00"))
    expires = datetime.fromisoformat(str(model["expires_at"]).replace("Z", "+00:00"))
    return f"after {round((expires - created).total_seconds() / 3600)} h"


def token_scope_requests(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-32: the token's owner asks for a token with admin:users and for one with a scope she holds."""
    browser = browser_for(client)
    user = token_owner(browser, target)
    made: list[dict[str, Any]] = []
    observed, lines = {}, []
    try:
        for name, scope in (
            ("admin:users", "admin:users"),
            ("read:users of her own", f"read:users!user={user}"),
        ):
            status = _made_token(browser, target, user, {"note": f"jsv: {name}", "scopes": [scope]}, made)
            observed[f"token with {name}"] = status
            lines.append(f'POST /hub/api/users/{user}/tokens {{"scopes": ["{scope}"]}} -> {status}')
    finally:
        _delete_tokens(browser, target, user, made)
    return Observation(observed, f"as {user}, with her own API token:\n" + "\n".join(lines))


SHARE_CODE_LIFETIMES = {"a year and a day": 366 * 86400, "30 days": 30 * 86400}


def share_code_lifetimes(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-34: the token's owner, who may share, asks for share codes of a year and a day, and 30 days."""
    browser = browser_for(client)
    user = token_owner(browser, target)
    observed, lines, made = {}, [], []
    try:
        for name, seconds in SHARE_CODE_LIFETIMES.items():
            reply = _hub_api(browser, target, f"share-codes/{user}/", "POST", {"expires_in": seconds})
            if reply.status == 200:
                register(reply.json()["code"], f"{user}-share-code-{seconds}")
                made.append(reply.json()["id"])
            observed[f"share code for {name}"] = reply.status
            lines.append(f'POST /hub/api/share-codes/{user}/ {{"expires_in": {seconds}}} -> {reply.status}')
    finally:
        for code_id in made:
            _hub_api(browser, target, f"share-codes/{user}/?id={code_id}", "DELETE")
    if set(observed.values()) <= {403, 404}:
        raise NotInPosition(
            f"{user} may not share a server here ({lines[-1]}): HUB-34 needs a user who may (HUB-24)"
        )
    return Observation(
        observed, f"as {user}, with her own API token (codes not shown, deleted again):\n" + "\n".join(lines)
    )


FUTURE_ACTIVITY = {"30 minutes ahead": timedelta(minutes=30), "2 hours ahead": timedelta(hours=2)}


def future_activity(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-25: the token posts its owner's activity 30 minutes and 2 hours ahead of the caller's clock."""
    browser = browser_for(client)
    user = token_owner(browser, target)
    observed, lines = {}, []
    for name, ahead in FUTURE_ACTIVITY.items():
        stamp = (datetime.now(UTC) + ahead).strftime("%Y-%m-%dT%H:%M:%SZ")
        status = _hub_api(browser, target, f"users/{user}/activity", "POST", {"last_activity": stamp}).status
        observed[name] = status
        lines.append(f'POST /hub/api/users/{user}/activity {{"last_activity": "{stamp}"}} -> {status}')
    return Observation(observed, f"as {user}, with the token:\n" + "\n".join(lines))


def anonymous_metrics(client: NetClient | Browser, target: Target) -> Observation:
    """HUB-33: ``GET /hub/metrics`` without credentials, and whether the answer tells how many users exist."""
    reply = browser_for(client).send(Request(target.url("/hub/metrics")))
    disclosed = reply.status == 200 and "jupyterhub_total_users" in reply.body
    counts = [
        line
        for line in reply.body.splitlines()
        if line.startswith(("jupyterhub_total_users", "jupyterhub_running_servers"))
    ]
    return Observation(
        {"anonymous GET /hub/metrics": reply.status, "user count disclosed": disclosed},
        reply.transcript[:400] + ("\n" + "\n".join(counts) if counts else ""),
    )


def server_token(hub: JupyterHub) -> str:
    """The ``$JUPYTERHUB_API_TOKEN`` of alice's running server, read as she can (registered as a secret)."""
    ran = hub.run(READ_TOKEN + '; printf %s "$T"', user="alice")
    if ran.exit_code != 0 or not ran.stdout:
        raise AssertionError(f"alice's server token not found on {hub.alias}: {ran.stdout.strip()}")
    return register(ran.stdout, f"{hub.alias}-alice-server-token")
