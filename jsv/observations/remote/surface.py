"""What the holder of a user's token can do on the hub's URL (HUB-26, 27, 32..34): ``jsv audit``'s checks.

Sent by the runbooks' client on the lab network, or by ``jsv audit`` on the reader's
machine with the reader's token, so one function is the check of both.  What a check
creates (tokens, share codes, named servers) it deletes again.
:mod:`jsv.observations.surface` re-exports them for the runbooks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from jsv.claims import Observation
from jsv.errors import NotInPosition
from jsv.probes.http import Browser, Reply, Request, Target, browser_for, token_header
from jsv.redaction import register

if TYPE_CHECKING:
    from jsv.environments import NetClient

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
