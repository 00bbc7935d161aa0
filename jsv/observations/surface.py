"""Moves of ordinary users on the hub's API: with her server's own token (HUB-22), sharing (HUB-24).

The token is the one the hub gives every server (``$JUPYTERHUB_API_TOKEN``);
alice owns the process, so she reads it from ``/proc/<pid>/environ`` exactly
as code in her notebook would from ``os.environ``.  The script keeps it in a
shell variable, so the transcript shows ``$T``, never the value.
"""

from __future__ import annotations

from datetime import datetime

from jsv.claims import Observation
from jsv.environments import JupyterHub
from jsv.redaction import register

API = "http://127.0.0.1:8000/hub/api"
Move = tuple[str, str, str]
"""method, path under /hub/api, JSON body (NOW, SOON and LATE stand for timestamps)."""
MOVES: dict[str, Move] = {
    "post activity": ("POST", "users/alice/activity", '{"last_activity": "NOW"}'),
    "mint a token": ("POST", "users/alice/tokens", '{"note": "from the server token"}'),
    "share the server with bob": ("POST", "shares/alice/", '{"user": "bob"}'),
    "stop the server": ("DELETE", "users/alice/server", ""),
}
FUTURE_ACTIVITY: dict[str, Move] = {
    "30 minutes ahead": ("POST", "users/alice/activity", '{"last_activity": "SOON"}'),
    "2 hours ahead": ("POST", "users/alice/activity", '{"last_activity": "LATE"}'),
}
SHARERS = ("alice", "bob")
"""alice is in the group the sharing role names, bob is not."""
_STAMP = "date -u +%Y-%m-%dT%H:%M:%SZ"
READ_TOKEN = (
    "pid=$(pgrep -u alice -f jupyterhub-singleuser | head -n 1); "
    "T=$(tr '\\0' '\\n' < /proc/$pid/environ | sed -n 's/^JUPYTERHUB_API_TOKEN=//p'); "
    f"NOW=$({_STAMP}); SOON=$({_STAMP} -d '+30 minutes'); LATE=$({_STAMP} -d '+2 hours'); "
    '[ -n "$T" ] || { echo no-token; exit 1; }'
)


def _curl(method: str, path: str, body: str) -> str:
    stamps = "sed -e s/NOW/$NOW/ -e s/SOON/$SOON/ -e s/LATE/$LATE/"
    data = f" -H 'Content-Type: application/json' -d \"$(echo '{body}' | {stamps})\"" if body else ""
    return (
        f'curl -s -o /dev/null -w "%{{http_code}}\\n" -X {method} '
        f'-H "Authorization: token $T"{data} {API}/{path}'
    )


def _moves_as_alice(target: JupyterHub, moves: dict[str, Move]) -> Observation:
    """The status of each request alice makes, in order, with her server's token."""
    script = "; ".join([READ_TOKEN, *(_curl(*move) for move in moves.values())])
    ran = target.run(script, user="alice")
    codes = ran.stdout.split()
    if len(codes) != len(moves):
        return Observation({"error": ran.stdout.strip() or ran.stderr.strip()}, f"$ {script}\n{ran.stdout}")
    observed = {name: int(code) for name, code in zip(moves, codes, strict=True)}
    lines = [
        f"{name}: {method} /hub/api/{path} -> {code}"
        for (name, (method, path, _)), code in zip(moves.items(), codes, strict=True)
    ]
    return Observation(
        observed, "as alice, with $T = her server's $JUPYTERHUB_API_TOKEN:\n" + "\n".join(lines)
    )


def server_token_moves(target: JupyterHub) -> Observation:
    """HUB-22: the writes alice attempts with her server's token."""
    return _moves_as_alice(target, MOVES)


def future_activity(target: JupyterHub) -> Observation:
    """HUB-25: her server's token posts her last_activity 30 minutes and 2 hours ahead of the hub's clock."""
    return _moves_as_alice(target, FUTURE_ACTIVITY)


def _user_token(target: JupyterHub, user: str, expires_in: int | None = None) -> str:
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
            f"share-codes/{user}/", "POST", {"expires_in": 3600}, _user_token(target, user)
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


NAMED_SERVERS = ("one", "two", "three")


def named_server_starts(target: JupyterHub) -> Observation:
    """HUB-26: alice, with her own token, starts three named servers one after the other."""
    token = _user_token(target, "alice")
    observed = {}
    for name in NAMED_SERVERS:
        status, _, _ = target.api(f"users/alice/servers/{name}", "POST", {}, token)
        observed[f"start server {name!r}"] = status
    lines = [
        f"POST /hub/api/users/alice/servers/{n} -> {c}"
        for n, c in zip(NAMED_SERVERS, observed.values(), strict=True)
    ]
    return Observation(observed, "as alice, with her own API token:\n" + "\n".join(lines))


def token_lifetimes(target: JupyterHub) -> Observation:
    """HUB-27: alice asks for a token without an expiry, and for one that lasts a week."""
    token = _user_token(target, "alice", expires_in=3600)
    unbounded, model, _ = target.api("users/alice/tokens", "POST", {"note": "no expiry asked"}, token)
    if unbounded == 201:
        register(model["token"], f"{target.alias}-alice-unbounded-token")
    expires = _lifetime(model) if unbounded == 201 else f"not created ({unbounded})"
    week, model, _ = target.api(
        "users/alice/tokens", "POST", {"note": "a week", "expires_in": 7 * 86400}, token
    )
    if week == 201:
        register(model["token"], f"{target.alias}-alice-week-token")
    observed = {"token asked without expiry expires": expires, "token asked for a week": week}
    return Observation(
        observed,
        "as alice, with her own API token:\n"
        f"POST /hub/api/users/alice/tokens {{}} -> {unbounded}, expires_at: {expires}\n"
        f'POST /hub/api/users/alice/tokens {{"expires_in": 604800}} -> {week}',
    )


def _lifetime(model: dict[str, str | None]) -> str:
    """How long after its creation a token model says it expires, in whole hours, or ``never``."""
    if not model.get("expires_at"):
        return "never"
    created = datetime.fromisoformat(str(model["created"]).replace("Z", "+00:00"))
    expires = datetime.fromisoformat(str(model["expires_at"]).replace("Z", "+00:00"))
    return f"after {round((expires - created).total_seconds() / 3600)} h"


def token_scope_requests(target: JupyterHub) -> Observation:
    """HUB-32: alice, with her own token, asks for a token with admin:users and one with a scope she has."""
    token = _user_token(target, "alice", expires_in=3600)
    observed, lines = {}, []
    for name, scopes in (
        ("admin:users", ["admin:users"]),
        ("read:users!user=alice", ["read:users!user=alice"]),
    ):
        status, model, _ = target.api("users/alice/tokens", "POST", {"note": name, "scopes": scopes}, token)
        if status == 201:
            register(model["token"], f"{target.alias}-alice-{name.split(':')[0]}-token")
        observed[f"token with {name}"] = status
        lines.append(f'POST /hub/api/users/alice/tokens {{"scopes": ["{name}"]}} -> {status}')
    return Observation(observed, "as alice, with her own API token:\n" + "\n".join(lines))


SHARE_CODE_LIFETIMES = {"a year and a day": 366 * 86400, "30 days": 30 * 86400}


def share_code_lifetimes(target: JupyterHub) -> Observation:
    """HUB-34: alice, who may share, asks for share codes that last a year and a day, and 30 days."""
    token = _user_token(target, "alice", expires_in=3600)
    observed, lines = {}, []
    for name, seconds in SHARE_CODE_LIFETIMES.items():
        status, model, _ = target.api("share-codes/alice/", "POST", {"expires_in": seconds}, token)
        if status == 200:
            register(model["code"], f"{target.alias}-alice-share-code-{seconds}")
        observed[f"share code for {name}"] = status
        lines.append(f'POST /hub/api/share-codes/alice/ {{"expires_in": {seconds}}} -> {status}')
    return Observation(observed, "as alice, with her own API token (codes not shown):\n" + "\n".join(lines))
