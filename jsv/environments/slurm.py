"""A Slurm cluster (``containers/slurm``): controller, two compute nodes, a login node with JupyterHub.

One cluster per :class:`~jsv.environments.lab.Lab` (the nodes are found by
their names ``ctl``, ``node1``, ``node2`` and ``login``).  Every node is the
same image and holds the same munge key; ``start-slurm`` picks the daemon by
role.  Slurm configuration fixes go into ``/etc/slurm/slurm.conf.d/`` on
every node (``start-slurm`` includes each file from ``slurm.conf``).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any

from docker.types import Mount

from jsv.environments.condor import batch_hub_versions
from jsv.environments.hub import JupyterHub
from jsv.environments.lab import Lab
from jsv.environments.machine import CommandResult, Machine
from jsv.errors import EnvironmentTimeout
from jsv.polling import poll_until
from jsv.redaction import register

SLURM_QUERY = "squeue -h -j {job_id} -o '%T %B'"
"""batchspawner 1.3.0's SlurmSpawner.batch_query_cmd (batchspawner.py:725)."""


def new_munge_key(label: str) -> str:
    """A fresh 1024-byte munge key, base64, registered as a secret."""
    return register(base64.b64encode(os.urandom(1024)).decode(), label)


SLURM_PACKAGES = ["slurm-client", "munge"]


def _slurm_versions(dpkg: dict[str, str]) -> dict[str, str]:
    """The recorded Slurm versions, from dpkg's versions of :data:`SLURM_PACKAGES`."""
    return {"slurm": dpkg.get("slurm-client", ""), "munge": dpkg.get("munge", "")}


class SlurmNode(Machine):
    """``ctl`` (slurmctld), ``compute`` (slurmd) or ``none`` (Slurm tools, no key: an outsider)."""

    environment = "slurm"

    def __init__(self, role: str, alias: str, munge_key: str, variant: str = "") -> None:
        super().__init__(variant or role, alias)
        self.role = role
        self.with_env("JSV_SLURM_ROLE", role)
        if munge_key:
            self.with_env("JSV_MUNGE_KEY", munge_key)
        if role == "compute":
            # slurmd 24.11 clones its job launcher into new namespaces (libslurmfull's
            # "clone: %m" is fatal without CAP_SYS_ADMIN: the node dies at the first job)
            self.with_kwargs(cap_add=["SYS_ADMIN"])

    def is_ready(self) -> bool:
        if "configured" not in self.logs_text():
            return False
        daemon = {"ctl": "slurmctld", "compute": "slurmd"}.get(self.role)
        return daemon is None or self.run(f"pgrep -x {daemon}").exit_code == 0

    def read_versions(self) -> dict[str, str]:
        query = f"dpkg-query -W -f '${{Package}}=${{Version}}\\n' {' '.join(SLURM_PACKAGES)}"
        dpkg = dict(line.split("=", 1) for line in self.run(query).stdout.split() if "=" in line)
        return {**super().read_versions(), **_slurm_versions(dpkg)}


class SlurmLoginHub(JupyterHub):
    """The login node: Slurm's client commands plus JupyterHub spawning with batchspawner's SlurmSpawner."""

    environment = "slurm"

    def __init__(self, variant: str, alias: str = "login") -> None:
        super().__init__(variant, alias)
        self.with_env("JSV_SLURM_ROLE", "login")
        self.with_config(
            "c.JupyterHub.spawner_class = 'batchspawner.SlurmSpawner'",
            "c.JupyterHub.hub_bind_url = 'http://0.0.0.0:8081'",
            f"c.JupyterHub.hub_connect_url = 'http://{alias}:8081'",
            "c.Spawner.ip = '0.0.0.0'",
            # absolute paths: sudo resets PATH (secure_path), so the job's PATH lacks the venv
            "c.Spawner.cmd = ['/opt/jupyterhub/bin/jupyterhub-singleuser']",
            "c.SlurmSpawner.batchspawner_singleuser_cmd = '/opt/jupyterhub/bin/batchspawner-singleuser'",
            "c.Spawner.http_timeout = 120",
            "c.Spawner.start_timeout = 180",
            "c.SlurmSpawner.req_memory = '256M'",
            "c.SlurmSpawner.req_nprocs = '1'",
            # the lab polls jobs every 5 s (default 30 s) so that what a poll runs is seen quickly
            "c.Spawner.poll_interval = 5",
        )

    def read_versions(self) -> dict[str, str]:
        found, dpkg = batch_hub_versions(self, SLURM_PACKAGES)
        return {**found, **_slurm_versions(dpkg)}


@dataclass(frozen=True)
class ClusterOptions:
    """How a :class:`SlurmCluster` is set up beyond its published fixes.

    ``accounting``: slurmdbd with MariaDB on ctl (``containers/slurm/etc/slurm/jsv/``);
    ``slurm_conf``: more ``/etc/slurm/slurm.conf.d/`` files on every node (name: text), for a
    control's settings that are no claim's fix; ``shared_home``: one ``/home`` on ctl, the compute
    nodes and login (a volume of ctl's, as a site's shared file system); ``munge_key_mode``,
    ``munge_dir_mode`` (``/etc/munge``; empty: Debian's) and ``munged_options`` on every node;
    ``compute_fixes``: claims whose fix goes to the compute nodes only (a shell fix there runs as
    root, with ``NET_ADMIN``, once the login node runs).
    """

    accounting: bool = False
    slurm_conf: dict[str, str] = field(default_factory=dict)
    shared_home: bool = False
    munge_key_mode: str = "0400"
    munge_dir_mode: str = ""
    munged_options: str = ""
    compute_fixes: tuple[str, ...] = ()


class SlurmCluster:
    """ctl, node1, node2 and login (with the hub), started on ``lab`` with one munge key.

    ``slurm_fixes`` are claim ids whose published fix is a ``/etc/slurm/slurm.conf.d/`` file: every
    node gets them, as a site distributes one ``slurm.conf``.
    """

    stock_query_cmd = SLURM_QUERY

    def __init__(
        self, lab: Lab, login: SlurmLoginHub, *slurm_fixes: str, options: ClusterOptions | None = None
    ) -> None:
        self.lab = lab
        self.options = options or ClusterOptions()
        self.munge_key = new_munge_key(f"munge-key-{lab.name}")
        login.with_env("JSV_MUNGE_KEY", self.munge_key).with_fix(*slurm_fixes)
        self._configure(login)
        ctl = self._configure(SlurmNode("ctl", "ctl", self.munge_key).with_fix(*slurm_fixes))
        if self.options.shared_home:  # the image's /home is copied into the new volume
            ctl.with_kwargs(**{**ctl._kwargs, "mounts": [Mount(target="/home", source=None, type="volume")]})
        self.ctl = lab.start(ctl)
        self.node1 = lab.start(self._compute("node1", slurm_fixes))
        self.node2 = lab.start(self._compute("node2", slurm_fixes))
        self.submit = lab.start(self._shared(login))
        self.login = self.submit
        self._apply_compute_fixes()
        self.wait_for_nodes(2)

    def _apply_compute_fixes(self) -> None:
        """The compute nodes' own fixes, once every node runs (a rule may name the login node)."""
        for node in (self.node1, self.node2):
            node._shell_fixes.clear()  # the cluster-wide ones ran when the node started
            node.with_fix(*self.options.compute_fixes)
            node.run_shell_fixes()
        # the claims are checked through the login node (a Situation on it): it records the cluster's fixes
        self.submit.applied_fixes.update(
            {claim: self.node1.applied_fixes[claim] for claim in self.options.compute_fixes}
        )

    def _configure(self, node: Machine) -> Machine:
        options = self.options
        if options.accounting:
            node.with_env("JSV_SLURM_ACCOUNTING", "1")
        node.with_env("JSV_MUNGE_KEY_MODE", options.munge_key_mode)
        if options.munge_dir_mode:
            node.with_env("JSV_MUNGE_DIR_MODE", options.munge_dir_mode)
        if options.munged_options:
            node.with_env("JSV_MUNGED_OPTS", options.munged_options)
        for name, text in options.slurm_conf.items():
            node.with_file(f"/etc/slurm/slurm.conf.d/{name}", text, 0o644)
        return node

    def _shared(self, node: Machine) -> Machine:
        """``node`` with ctl's ``/home`` when the cluster has a shared home."""
        if self.options.shared_home:
            node.with_kwargs(**{**node._kwargs, "volumes_from": [self.ctl.get_wrapped_container().id]})
        return node

    def _compute(self, alias: str, slurm_fixes: tuple[str, ...]) -> SlurmNode:
        node = SlurmNode("compute", alias, self.munge_key).with_fix(*slurm_fixes)
        if self.options.compute_fixes:
            node.with_kwargs(**{**node._kwargs, "cap_add": ["SYS_ADMIN", "NET_ADMIN"]})
        self._configure(node)
        return self._shared(node)  # type: ignore[return-value]

    def wait_for_nodes(self, count: int, timeout: float = 120) -> None:
        """Until ``count`` compute nodes are idle (registered with slurmctld)."""
        idle = poll_until(
            lambda: self.ctl.run("sinfo -h -N -t idle,mix,alloc -o %N").stdout.split(),
            lambda names: len(set(names)) >= count,
            timeout=timeout,
        )
        if idle.met:
            return
        raise EnvironmentTimeout(
            f"cluster on {self.lab.name}: fewer than {count} compute nodes up after {timeout:.0f}s; "
            f"sinfo: {self.ctl.run('sinfo -N').stdout}; "
            f"slurmctld log: {self.ctl.run('tail -n 5 /var/log/slurm/slurmctld.log').stdout}"
        )

    def squeue(self, *args: str, user: str = "root") -> CommandResult:
        return self.submit.run(["squeue", *args], user=user)

    def active_jobs(self, user: str) -> list[str]:
        """The ids of ``user``'s jobs still in the queue (pending, running or completing)."""
        return self.squeue("-h", "-u", user, "-o", "%i").stdout.split()

    def alices_job(self) -> dict[str, str]:
        """alice's running job: id, partition, time limit, node and name (empty when none runs)."""
        line = self.squeue("-h", "-u", "alice", "-t", "RUNNING", "-o", "%i|%P|%l|%N|%j").stdout.strip()
        fields = line.splitlines()[-1].split("|") if line else []
        return dict(zip(["job", "partition", "time limit", "ran on", "name"], fields, strict=False))

    def alices_job_transcript(self) -> str:
        return self.squeue("-u", "alice", "-o", "%i %P %l %N %j %T").transcript

    def alices_node(self) -> Machine:
        """The compute node running alice's notebook job (read from the queue)."""
        return {"node1": self.node1, "node2": self.node2}[self.alices_job()["ran on"]]

    def nodes(self) -> list[Machine]:
        return [self.ctl, self.node1, self.node2, self.submit]

    def job_fields(self, job: str) -> dict[str, Any]:
        """``scontrol show job`` of ``job`` as key=value pairs (as root)."""
        text = self.submit.run(f"scontrol show job -o {job}").stdout
        return dict(part.split("=", 1) for part in text.split() if "=" in part)
