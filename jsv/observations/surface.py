"""Moves of ordinary users on the hub's API (HUB-22, 24..27, 32..34), from the attack-surface pass.

Two positions.  Code in alice's notebook holds her server's token
(``$JUPYTERHUB_API_TOKEN``); alice owns the process, so she reads it from
``/proc/<pid>/environ`` exactly as that code would from ``os.environ``
(:func:`server_token_moves` keeps it in a shell variable, so the transcript
shows ``$T``, never the value).  Everything else is sent to the hub's public
URL by the holder of a user's token — the runbooks' client on the lab
network, or ``jsv audit`` on the reader's machine with the reader's token —
so one function is the check of both.  What a check creates (tokens, share
codes, named servers) it deletes again.  The token holder's checks live in
:mod:`jsv.observations.remote.surface` (no lab import, for ``jsv audit``) and are re-exported here.
"""

from __future__ import annotations

from jsv.claims import Observation
from jsv.environments import JupyterHub
from jsv.environments.command_line import curl_token_header
from jsv.observations.remote.surface import (  # noqa: F401 (the remote checks, re-exported for the runbooks)
    FUTURE_ACTIVITY,
    NAMED_SERVERS,
    ORDINALS,
    SHARE_CODE_LIFETIMES,
    SPAWN_ANSWER_SECONDS,
    _delete_tokens,
    _hub_api,
    _lifetime,
    _made_token,
    anonymous_metrics,
    future_activity,
    named_server_starts,
    share_code_lifetimes,
    token_lifetimes,
    token_owner,
    token_scope_requests,
)
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


def server_token(hub: JupyterHub) -> str:
    """The ``$JUPYTERHUB_API_TOKEN`` of alice's running server, read as she can (registered as a secret)."""
    ran = hub.run(READ_TOKEN + '; printf %s "$T"', user="alice")
    if ran.exit_code != 0 or not ran.stdout:
        raise AssertionError(f"alice's server token not found on {hub.alias}: {ran.stdout.strip()}")
    return register(ran.stdout, f"{hub.alias}-alice-server-token")
