"""Moves of ordinary users on the hub's API: with her server's own token (HUB-22), sharing (HUB-24).

The token is the one the hub gives every server (``$JUPYTERHUB_API_TOKEN``);
alice owns the process, so she reads it from ``/proc/<pid>/environ`` exactly
as code in her notebook would from ``os.environ``.  The script keeps it in a
shell variable, so the transcript shows ``$T``, never the value.
"""

from __future__ import annotations

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


def _user_token(target: JupyterHub, user: str) -> str:
    """An API token for ``user`` as she would make one (no scopes: it inherits hers), redacted everywhere."""
    status, model, ran = target.api(f"users/{user}/tokens", "POST", {"note": "share attempt"})
    if status != 201:
        detail = ran.stdout[-200:]
        raise AssertionError(f"minting {user}'s token on {target.alias} answered {status}: {detail}")
    return register(model["token"], f"{target.alias}-{user}-share-token")


def share_code_requests(target: JupyterHub, users: tuple[str, ...] = SHARERS) -> Observation:
    """HUB-24: each user, with her own token, asks for a share code of her running server."""
    observed: dict[str, int] = {}
    lines = []
    for user in users:
        ran = target.run(
            _curl("POST", f"share-codes/{user}/", '{"expires_in": 3600}'),
            environment={"T": _user_token(target, user)},
        )
        code = int(ran.stdout.strip() or 0)
        observed[f"{user} creates a share code"] = code
        lines.append(f"{user}: POST /hub/api/share-codes/{user}/ -> {code}")
    return Observation(observed, "each with her own API token ($T):\n" + "\n".join(lines))
