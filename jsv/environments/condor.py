"""An HTCondor pool (``containers/condor``): central manager, submit node with JupyterHub, execute nodes.

One pool per :class:`~jsv.environments.lab.Lab` (the nodes are found by their
names ``cm``, ``submit``, ``worker`` and ``jupyter-node``).  Every node is the
same image; :class:`PoolSecurity` and the flags below decide how it is
configured by ``start-condor``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsv.environments.hub import JupyterHub
from jsv.environments.lab import Lab
from jsv.environments.machine import CommandResult, Machine
from jsv.errors import EnvironmentTimeout
from jsv.polling import poll_until
from jsv.redaction import new_token

CONDOR_QUERY = 'condor_q {job_id} -format "%s, " JobStatus -format "%s" RemoteHost -format "\n" True'
"""batchspawner 1.3.0's CondorSpawner.batch_query_cmd (batchspawner.py), restored after each attempt."""


@dataclass(frozen=True)
class PoolSecurity:
    """``pool-password`` (authenticated, encrypted) or ``host-based`` (anyone may do anything)."""

    name: str
    password: str | None = None
    fix: str = ""
    """A claim whose published fix is the security configuration file (``config.d`` security)."""

    @classmethod
    def pool_password(cls, fix: str = "") -> PoolSecurity:
        """Pool-password security; with ``fix``, from that claim's published file in config.d."""
        return cls("config.d" if fix else "pool-password", new_token("condor-pool-password"), fix)

    @classmethod
    def host_based(cls) -> PoolSecurity:
        return cls("host-based")

    def apply(self, machine: Machine) -> None:
        machine.with_env("JSV_CONDOR_SECURITY", self.name)
        if self.password:
            machine.with_env("JSV_POOL_PASSWORD", self.password)
        if self.fix:
            machine.with_fix(self.fix)


class CondorNode(Machine):
    """One node of the pool; ``role`` is ``cm``, ``execute`` or ``none`` (tools only, an outsider)."""

    environment = "condor"

    def __init__(self, role: str, alias: str, security: PoolSecurity, variant: str = "", **env: str) -> None:
        super().__init__(variant or f"{role}_{security.name}", alias)
        self.role = role
        self.with_env("JSV_CONDOR_ROLE", role)
        security.apply(self)
        for key, value in env.items():
            self.with_env(key, value)

    def is_ready(self) -> bool:
        if "configured" not in self.logs_text():
            return False
        return self.role == "none" or self.run("pgrep -x condor_master").exit_code == 0

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        found["condor"] = self.run("dpkg-query -W -f '${Version}' condor").stdout
        return found


class CondorSubmitHub(JupyterHub):
    """The submit node: a schedd plus JupyterHub spawning notebooks with batchspawner's CondorSpawner."""

    environment = "condor"

    def __init__(self, variant: str, security: PoolSecurity, alias: str = "submit", **env: str) -> None:
        super().__init__(variant, alias)
        self.with_env("JSV_CONDOR_ROLE", "submit")
        security.apply(self)
        for key, value in env.items():
            self.with_env(key, value)
        self.with_config(
            "c.JupyterHub.spawner_class = 'batchspawner.CondorSpawner'",
            "c.JupyterHub.hub_bind_url = 'http://0.0.0.0:8081'",
            f"c.JupyterHub.hub_connect_url = 'http://{alias}:8081'",
            "c.Spawner.ip = '0.0.0.0'",
            # absolute paths: sudo resets PATH (secure_path), so the job's PATH lacks the venv
            "c.Spawner.cmd = ['/opt/jupyterhub/bin/jupyterhub-singleuser']",
            "c.CondorSpawner.batchspawner_singleuser_cmd = '/opt/jupyterhub/bin/batchspawner-singleuser'",
            "c.Spawner.http_timeout = 120",
            "c.Spawner.start_timeout = 180",
            "c.CondorSpawner.req_memory = '256'",
            "c.CondorSpawner.req_nprocs = '1'",
            # the lab polls jobs every 5 s (default 30 s) so that what a poll runs is seen quickly
            "c.Spawner.poll_interval = 5",
        )

    def as_hub_user(self, sudoers: str = "", user: str = "jupyterhub") -> CondorSubmitHub:
        """Run the hub as the unprivileged ``user`` (start-condor creates it and the group
        ``jupyterhub-users`` of alice, bob and carol).

        ``sudoers`` names a rule in ``containers/condor/etc/jupyterhub/sudoers/`` (a control) that the
        start script installs as ``/etc/sudoers.d/jupyterhub``; leave it empty when a claim's published
        ``sudo`` fix writes that file (``.with_fix(...)``).
        """
        self.with_env("JSV_HUB_USER", user)
        if sudoers:
            self.with_env("JSV_SUDOERS", sudoers)
        return self

    def with_firewall(self, fix: str) -> CondorSubmitHub:
        """nftables on the submit node from ``fix``'s published shell step (needs NET_ADMIN)."""
        self.with_kwargs(cap_add=["NET_ADMIN"])
        return self.with_fix(fix)

    def condor_q(self, *args: str, user: str = "root") -> CommandResult:
        return self.run(["condor_q", *args], user=user)

    def read_versions(self) -> dict[str, str]:
        found, dpkg = batch_hub_versions(self, ["condor"])
        return {**found, "condor": dpkg.get("condor", "")}


class CondorPool:
    """cm, submit (with the hub), worker and jupyter-node, started on ``lab``."""

    stock_query_cmd = CONDOR_QUERY

    def __init__(
        self,
        lab: Lab,
        submit: CondorSubmitHub,
        security: PoolSecurity,
        jupyter_node_fixes: tuple[str, ...] = (),
        with_worker: bool = True,
        **execute_env: str,
    ) -> None:
        """``jupyter_node_fixes``: claims whose published fix is a config.d file of the dedicated node;
        ``with_worker=False``: jupyter-node is the pool's only execute node (no ``worker``)."""
        self.lab = lab
        self.security = security
        self.cm = lab.start(CondorNode("cm", "cm", security))
        self.worker = (
            lab.start(CondorNode("execute", "worker", security, **execute_env)) if with_worker else None
        )
        self.jupyter_node = lab.start(
            CondorNode("execute", "jupyter-node", security, JSV_JUPYTER_NODE="1", **execute_env).with_fix(
                *jupyter_node_fixes
            )
        )
        self.submit = lab.start(submit)
        self.wait_for_slots(2 if with_worker else 1)

    def wait_for_slots(self, count: int, timeout: float = 120) -> None:
        """Until ``count`` execute nodes have advertised themselves to the collector."""
        machines = poll_until(
            lambda: set(self.cm.run("condor_status -af Machine").stdout.split()),
            lambda names: len(names) >= count,
            timeout=timeout,
        )
        if machines.met:
            return
        raise EnvironmentTimeout(
            f"pool on {self.lab.name}: fewer than {count} execute nodes after {timeout:.0f}s; "
            f"collector log: {self.cm.run('tail -n 5 /var/log/condor/CollectorLog').stdout}"
        )

    def submit_job(self, user: str, description: str) -> str:
        """``condor_submit`` as ``user`` on the submit node; returns the cluster id."""
        self.submit.put_file(f"/tmp/{user}.sub", description, 0o644)
        ran = self.submit.run(f"cd /tmp && condor_submit /tmp/{user}.sub", user=user)
        if "submitted to cluster" not in ran.stdout:
            raise RuntimeError(f"condor_submit as {user} failed: {ran.stdout} {ran.stderr}")
        return ran.stdout.split("submitted to cluster")[1].strip().rstrip(".")

    def job_ad(self, cluster: str, *attributes: str) -> dict[str, Any]:
        """Attributes of a job from the queue or, once it left, the history."""
        for command in ("condor_q", "condor_history"):
            ran = self.submit.run([command, cluster, "-json", "-attributes", ",".join(attributes)])
            try:
                ads = json.loads(ran.stdout or "[]")
            except ValueError:
                ads = []
            if ads:
                return ads[0]
        return {}

    def active_jobs(self, user: str) -> list[str]:
        """The cluster ids of ``user``'s jobs that are neither removed nor completed."""
        ran = self.submit.run(f"condor_q {user} -constraint 'JobStatus != 3 && JobStatus != 4' -af ClusterId")
        return ran.stdout.split()

    def alices_node(self) -> Machine:
        """The execute node running alice's notebook job (read from the queue)."""
        host = self.submit.run("condor_q alice -constraint JobStatus==2 -af RemoteHost").stdout.split()[-1]
        nodes = {"worker": self.worker, "jupyter-node": self.jupyter_node}
        node = nodes[host.split("@")[-1]]
        if node is None:
            raise RuntimeError(f"alice's job runs on {host}, which this pool did not start")
        return node

    def alices_job(self) -> dict[str, Any]:
        """alice's running job: JobBatchName, RequestMemory and the execute node it ran on."""
        ads = json.loads(
            self.submit.run(
                "condor_q alice -constraint JobStatus==2 -json "
                "-attributes JobBatchName,RequestMemory,RemoteHost"
            ).stdout
            or "[{}]"
        )
        ad = ads[-1]
        return {
            "JobBatchName": ad.get("JobBatchName"),
            "RequestMemory": ad.get("RequestMemory"),
            "ran on": (ad.get("RemoteHost") or "").split("@")[-1],
        }

    def alices_job_transcript(self) -> str:
        return self.submit.run(
            "condor_q alice -af:r ClusterId JobBatchName RequestMemory RemoteHost Requirements"
        ).transcript


def batch_hub_versions(hub: Machine, packages: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The hub's Python packages (read in its venv) and Debian release, on a batch pool's submit node; and
    dpkg's versions of the scheduler's ``packages`` (one exec)."""
    script = (
        "import json, importlib.metadata as m;"
        "print(json.dumps({p: m.version(p) for p in ['jupyterhub', 'jupyter_server', 'batchspawner']}))"
    )
    return hub.python_and_debian_versions("/opt/jupyterhub/bin/python", script, packages)
