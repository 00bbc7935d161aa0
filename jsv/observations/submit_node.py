"""The hub's account on a batch submit node, and the notebook's port on a shared node (HTC-17 to HTC-19).

Used by ``runbooks/htcondor/submit-node.md``.  The probes take a
:class:`~jsv.environments.Situation` whose ``machine`` is the node the hub
account runs on (a :class:`~jsv.environments.condor.CondorSubmitHub`, or a
tools-only :class:`~jsv.environments.condor.CondorNode` with a control's sudo
rule), with ``.server`` (the hub's model of alice's server, ``{}`` where no
hub runs) and ``.pool`` (a :class:`~jsv.environments.condor.CondorPool`).

Each probe runs in one ``docker exec`` and prints sections headed ``### <name>``;
the parsers below read them (table-tested in ``tests/unit/observations``).
"""

from __future__ import annotations

import re
from typing import Any

from jsv.claims import Observation
from jsv.polling import poll_until

HUB_ACCOUNT = "jupyterhub"
SUBMIT_WRAPPER = "/usr/local/bin/jsv-condor-submit"
HUB_PROGRAM_DIR = "/tmp/hub-bin"
RAN_AS = "a program of the hub account ran as"
PRELOADED = "alice's dynamic linker was asked to preload it"


def sections(text: str) -> dict[str, str]:
    """``### name`` headed sections of ``text``: name -> the lines under it (stripped)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("### "):
            current = found.setdefault(line[4:].strip(), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines).strip() for name, lines in found.items()}


def last_line(text: str) -> str:
    """The last non-empty line of ``text`` ("" when there is none)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def sudo_refusal(text: str) -> str:
    """sudo's own complaint in ``text`` (a line starting ``sudo:``), or ""."""
    return next((line.strip() for line in text.splitlines() if line.startswith("sudo:")), "")


# -- HTC-17: what the hub account may run through sudo ----------------------------------------------

SUDO_PROBES = {
    "hub account: sudo -u alice /bin/sh": "sudo -n -u alice /bin/sh -c 'id -un'",
    "hub account: sudo -u root id": "sudo -n -u root id -un",
    "hub account: sudo -u mallory condor_q": "sudo -n -u mallory condor_q -totals",
    "hub account: condor_q as alice, other arguments": "sudo -n -u alice condor_q -af Owner Cmd",
    "hub account: condor_rm as alice, other arguments": "sudo -n -u alice condor_rm -constraint false",
}


def _sudo_script() -> str:
    return "; ".join(f"echo '### {name}'; {command} 2>&1 </dev/null" for name, command in SUDO_PROBES.items())


def hub_account_sudo(target: Any) -> Observation:
    """HTC-17: the user the hub runs as, alice's notebook and job, and what the hub's account gets from
    sudo beyond its batch commands (a shell as alice, root, a batch command as mallory, the query and the
    cancel with arguments of its own; the cancel's constraint matches no job)."""
    machine = target.machine
    ps = machine.run("ps -eo user:20,args | grep '[b]in/jupyterhub -f'")
    owner = machine.run("condor_q alice -af Owner JobBatchName")
    probes = machine.run(_sudo_script(), user=HUB_ACCOUNT)
    found = sections(probes.stdout)
    value: dict[str, Any] = {
        "hub runs as": (ps.stdout.split() or ["?"])[0],
        "alice's notebook started": bool(target.server.get("ready")),
        "owner of alice's job": (owner.stdout.split() or [None])[0],
    }
    for name in SUDO_PROBES:
        value[name] = sudo_refusal(found.get(name, "")) or last_line(found.get(name, ""))
    transcript = "\n".join([ps.transcript, owner.transcript, f"# as {HUB_ACCOUNT}", probes.transcript])
    return Observation(value, transcript)


# -- HTC-18: the environment the hub account can give the allowed submit command ------------------

ENV_PROBES = {
    "sudo -E of the submit wrapper": f"JSV_HUB_CHOSE=1 sudo -n -E -u alice {SUBMIT_WRAPPER}",
    "PATH of the hub account on the sudo command line": (
        f"sudo -n -u alice PATH={HUB_PROGRAM_DIR}:/usr/bin:/bin {SUBMIT_WRAPPER}"
    ),
    "LD_PRELOAD of the hub account on the sudo command line": (
        f"sudo -n -u alice LD_PRELOAD={HUB_PROGRAM_DIR}/preload.so {SUBMIT_WRAPPER}"
    ),
}
PLANT_PROGRAM = (
    f"install -d -m 0755 {HUB_PROGRAM_DIR} && "
    f"printf '#!/bin/sh\\necho \"{RAN_AS} $(id -un)\" >&2\\n' > {HUB_PROGRAM_DIR}/env && "
    f"chmod 0755 {HUB_PROGRAM_DIR}/env && cat {HUB_PROGRAM_DIR}/env"
)
"""The hub account's own ``env``: where the wrapper looks for ``env`` first, it says whom it runs as."""


def environment_outcome(name: str, text: str) -> str:
    """What one probe of :data:`ENV_PROBES` shows: sudo's refusal, or what reached the command."""
    ran = re.search(re.escape(RAN_AS) + r" (\w+)", text)
    if name.startswith("PATH") and ran:
        return f"{RAN_AS} {ran.group(1)}"
    if name.startswith("LD_PRELOAD") and "from LD_PRELOAD cannot be preloaded" in text:
        return PRELOADED
    return sudo_refusal(text) or "the wrapper ran with the hub account's environment"


def hub_account_environment(target: Any) -> Observation:
    """HTC-18: the hub account plants a program of its own and tries to hand the submit wrapper its
    environment: ``sudo -E``, PATH and LD_PRELOAD on the sudo command line."""
    machine = target.machine
    script = f"{PLANT_PROGRAM}; " + "; ".join(
        f"echo '### {name}'; {command} 2>&1 </dev/null" for name, command in ENV_PROBES.items()
    )
    probes = machine.run(script, user=HUB_ACCOUNT)
    found = sections(probes.stdout)
    value: dict[str, Any] = {"alice's notebook started": bool(target.server.get("ready"))}
    value.update({name: environment_outcome(name, found.get(name, "")) for name in ENV_PROBES})
    rule = machine.run("cat /etc/sudoers.d/jupyterhub")
    return Observation(value, "\n".join([rule.transcript, f"# as {HUB_ACCOUNT}", probes.transcript]))


# -- HTC-19: another user's job on the notebook's node --------------------------------------------

MALLORY_PROBE = r"""#!/bin/sh
# mallory's job: alice's listening TCP sockets on this node (ss shows every socket's owner), and what
# each answers without a token, over HTTP and over HTTPS without a client certificate.
uid=$(id -u alice)
me=$(hostname -i | awk '{print $1}')
said() { printf '%s%s' "$(head -c 100 body 2>/dev/null | tr -d '\n')" "$(head -c 200 err)"; }
echo "# mallory ($(id -un)) on $(hostname), $me"
ss -Hltne 2>/dev/null | awk -v u="uid:$uid" 'index($0, u) {print $4}' > sockets
echo "# alice's listening sockets:"; cat sockets
for socket in $(sort -u sockets); do
  host=${socket%:*}; port=${socket##*:}
  case $host in 0.0.0.0|'*'|'[::]') host=$me ;; esac
  echo "### port $port on $host"
  for path in /user/alice/api /user/alice/api/contents /user/alice/; do
    code=$(curl -sS -m 3 -o body -w '%{http_code}' "http://$host:$port$path" 2>err); exit=$?
    echo "http $path -> $code curl-exit $exit $(said)"
    rm -f body err
  done
  code=$(curl -sSk -m 3 -o body -w '%{http_code}' "https://$host:$port/user/alice/api" 2>err); exit=$?
  echo "https /user/alice/api -> $code curl-exit $exit $(said)"
  rm -f body err
done
"""


def probe_description(node: str) -> str:
    """mallory's submit description: her probe, on ``node``, output back to /tmp on the submit node."""
    return (
        "executable = /tmp/mallory-probe.sh\n"
        "output = /tmp/mallory-probe.out\nerror = /tmp/mallory-probe.err\n"
        "should_transfer_files = YES\nwhen_to_transfer_output = ON_EXIT\n"
        f'request_memory = 64\nrequirements = (Machine == "{node}")\nbatch_name = mallory-probe\nqueue\n'
    )


def submit_mallorys_probe(pool: Any, node: str = "jupyter-node") -> str:
    """mallory submits her probe job to ``node`` (the node of alice's notebook); returns its cluster id."""
    pool.submit.put_file("/tmp/mallory-probe.sh", MALLORY_PROBE, 0o755, owner="mallory")
    return pool.submit_job("mallory", probe_description(node))


LINE = re.compile(r"^(https?) (\S+) -> (\d{3}) curl-exit (\d+)")


def notebook_answers(text: str) -> dict[str, Any]:
    """From the probe's output: was a port of alice's found, did anything answer (an HTTP status other
    than 000) and the status of each scheme's request, for the first port found."""
    ports = {name: body for name, body in sections(text).items() if name.startswith("port ")}
    codes: dict[tuple[str, str], int] = {}
    tls: str | None = None
    for name, body in ports.items():
        for line in body.splitlines():
            match = LINE.match(line)
            if match and match.group(3) != "000":
                codes.setdefault((match.group(2), match.group(1)), int(match.group(3)))
            if match and match.group(1) == "https" and not name.endswith(" on 127.0.0.1"):
                tls = outcome(match.group(3), match.group(4), line[match.end() :])

    def status(path: str) -> int | None:
        return codes.get((path, "http"), codes.get((path, "https")))

    return {
        "alice's notebook port seen by mallory": bool(ports),
        "notebook answers mallory": bool(codes),
        "GET /user/alice/api without a token": status("/user/alice/api"),
        "GET /user/alice/api/contents without a token": status("/user/alice/api/contents"),
        "GET /user/alice/ without a token": status("/user/alice/"),
        "HTTPS without a client certificate": tls,
    }


BOB_PROBE = r"""pid=$(pgrep -u bob -o -f jupyterhub-singleuser 2>/dev/null) &&
cd "$(readlink /proc/$pid/cwd)" &&
eval "$(tr '\0' '\n' </proc/$pid/environ | grep -E '^JUPYTERHUB_SSL_(CERTFILE|KEYFILE)=' \
  | sed "s/=/='/; s/\$/'/; s/^/export /")" &&
me=$(hostname -i | awk '{print $1}') &&
port=$(ss -Hltne 2>/dev/null | awk -v u="uid:$(id -u alice)" \
  'index($0, u) && $4 ~ /^0[.]0[.]0[.]0:/ {sub(/.*:/, "", $4); print $4}') &&
if [ -n "${JUPYTERHUB_SSL_CERTFILE:-}" ]; then
  issuer=$(openssl x509 -noout -issuer -in "$JUPYTERHUB_SSL_CERTFILE")
  echo "# bob's notebook holds $JUPYTERHUB_SSL_CERTFILE: $issuer"
  url=https://$me:$port/user/alice/api; tls="--cert $JUPYTERHUB_SSL_CERTFILE --key $JUPYTERHUB_SSL_KEYFILE"
else
  echo "# bob's notebook holds no certificate"; url=http://$me:$port/user/alice/api; tls=
fi &&
code=$(curl -sSk -m 3 $tls -o body -w '%{http_code}' "$url" 2>err); exit=$?
echo "bob's notebook: $url -> $code curl-exit $exit $(head -c 100 body 2>/dev/null)$(head -c 200 err)"
"""
"""Code in bob's notebook on the same node: his notebook's certificate and key (internal TLS), to alice's."""
FROM_BOB = "GET /user/alice/api from bob's notebook, with its certificate where it has one"


def outcome(code: str, curl_exit: str, said: str) -> str:
    """One request's outcome: its HTTP status, or why there was none (the TLS alert, else curl's exit)."""
    if code != "000":
        return f"HTTP {code}"
    alert = re.search(r"alert ([a-z][a-z ]*[a-z])", said)
    if alert:
        return f"refused in the TLS handshake ({alert.group(1)})"
    return f"no answer (curl exit {curl_exit})"


def bob_outcome(text: str) -> str | None:
    """What bob's notebook got from alice's: a status, a refusal, or None (the probe stopped before)."""
    match = re.search(r"^bob's notebook: \S+ -> (\d{3}) curl-exit (\d+) ?(.*)$", text, re.MULTILINE)
    return outcome(*match.groups()) if match else None


def mallory_reaches_the_notebook(target: Any, timeout: float = 120) -> Observation:
    """HTC-19: the output of mallory's probe job ``target.probe`` (submitted earlier), once it completed;
    then bob's notebook starts on the node and code in it tries alice's with bob's own certificate."""
    pool = target.pool
    ad = poll_until(
        lambda: pool.job_ad(target.probe, "JobStatus", "LastRemoteHost"),
        lambda ad: ad.get("JobStatus") == 4,
        timeout=timeout,
        interval=2,
    ).value
    output = pool.submit.run("cat /tmp/mallory-probe.out", user="mallory")
    pool.submit.spawn("bob", timeout=180)  # on the same node, now that mallory's job has left it
    pool.jupyter_node.put_file("/tmp/bob-probe.sh", BOB_PROBE, 0o755, owner="bob")
    bob = pool.jupyter_node.run("sh /tmp/bob-probe.sh", user="bob")
    # root's view, for the reader: the node's listening sockets (owner uid) and alice's processes
    listening = pool.jupyter_node.run("ss -Hltne | grep -v 127.0.0.11; ps -o user,pid,args -u alice 2>&-")
    lines = [
        f"$ condor_submit probe.sub   # as mallory\n{probe_description('jupyter-node')}",
        f"cluster {target.probe}: JobStatus={ad.get('JobStatus')} LastRemoteHost={ad.get('LastRemoteHost')}",
        output.transcript,
        "# on jupyter-node, code in bob's notebook (/tmp/bob-probe.sh: his notebook's certificate, if any)",
        bob.transcript,
        "# on jupyter-node, as root",
        listening.transcript,
    ]
    value = {**notebook_answers(output.stdout), FROM_BOB: bob_outcome(bob.stdout)}
    return Observation(value, "\n".join(lines))
