"""What alice can do on the hub's API with her server's own token (HUB-22), from inside her server.

The token is the one the hub gives every server (``$JUPYTERHUB_API_TOKEN``);
alice owns the process, so she reads it from ``/proc/<pid>/environ`` exactly
as code in her notebook would from ``os.environ``.  The script keeps it in a
shell variable, so the transcript shows ``$T``, never the value.
"""

from __future__ import annotations

from jsv.claims import Observation
from jsv.environments import JupyterHub

API = "http://127.0.0.1:8000/hub/api"
MOVES = {
    "post activity": ("POST", "users/alice/activity", '{"last_activity": "NOW"}'),
    "mint a token": ("POST", "users/alice/tokens", '{"note": "from the server token"}'),
    "share the server with bob": ("POST", "shares/alice", '{"user": "bob"}'),
    "stop the server": ("DELETE", "users/alice/server", ""),
}
READ_TOKEN = (
    "pid=$(pgrep -u alice -f jupyterhub-singleuser | head -n 1); "
    "T=$(tr '\\0' '\\n' < /proc/$pid/environ | sed -n 's/^JUPYTERHUB_API_TOKEN=//p'); "
    'NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z); [ -n "$T" ] || { echo no-token; exit 1; }'
)


def _curl(method: str, path: str, body: str) -> str:
    data = f" -H 'Content-Type: application/json' -d \"$(echo '{body}' | sed s/NOW/$NOW/)\"" if body else ""
    return (
        f'curl -s -o /dev/null -w "%{{http_code}}\\n" -X {method} '
        f'-H "Authorization: token $T"{data} {API}/{path}'
    )


def server_token_moves(target: JupyterHub) -> Observation:
    """HUB-22: the status of each write alice attempts with her server's token, in order."""
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
