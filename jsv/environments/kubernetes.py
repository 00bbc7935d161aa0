"""Kubernetes targets: pod manifests built by kubespawner, and NetworkPolicy sets.

No control plane can run on the build machines, so by default these targets
are *static*: the evidence is what the pinned kubespawner really generates
(in the ``kube-tools`` container) and what the NetworkPolicy rules really
allow, evaluated by :mod:`jsv.probes.netpol`.  Their ``evidence`` attribute
says so, and :func:`jsv.claims.verify` records their claims as ``static``.

With a cluster — ``KUBECONFIG`` pointing at a kube-config file — a
:class:`PodTarget` is created in the cluster instead (namespace
``JSV_K8S_NAMESPACE``, default ``jsv``), and the facts are read back from the
pod the API server admitted and ran: those claims are ``verified`` live.

A :class:`PodTarget` is configured the way a reader configures the hub: its
``jupyterhub_config.py`` is the given traits (``c.KubeSpawner.<trait> = ...``
lines) followed by each published fix, verbatim (:meth:`PodTarget.with_fix`),
and the kube-tools container loads that file with traitlets'
``PyFileConfigLoader`` (as JupyterHub does) into the ``KubeSpawner`` that
builds the pod.  A shell fix runs verbatim in the kube-tools container, in a
directory where ``singleuser-pod.yaml`` is the pod's manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Self

import yaml

from jsv import settings
from jsv.environments.config_warnings import traitlets_warnings
from jsv.environments.machine import DEFAULT_COMMAND_TIMEOUT, CommandResult, Machine, exec_outcome
from jsv.errors import ConfigurationError, last_lines

POD_SCRIPT = "/opt/jsv/kube_pod.py"
KUBECONFIG_IN_CONTAINER = "/opt/jsv/kubeconfig"
# checkov otherwise downloads guideline links from Prisma Cloud (and fails offline).
CHECKOV_OFFLINE = {"BC_SKIP_MAPPING": "TRUE", "CKV_NO_GUIDE": "TRUE"}


def cluster_kubeconfig() -> Path | None:
    """The contributor's kube-config when ``KUBECONFIG`` names an existing file (the live switch)."""
    value = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0]
    return Path(value) if value and Path(value).is_file() else None


class KubeTools(Machine):
    """The pinned jupyterhub-kubespawner and checkov, in a container.

    >>> tools = lab.start(KubeTools())                                        # doctest: +SKIP
    >>> tools.pod_manifest({"uid": 1000})["spec"]["containers"][0]["securityContext"]  # doctest: +SKIP
    {'allowPrivilegeEscalation': False, 'runAsUser': 1000}
    """

    environment = "kube-tools"

    def __init__(self, variant: str = "tools", alias: str = "kube-tools", **kwargs: Any) -> None:
        super().__init__(variant, alias, **kwargs)
        self.with_command(["sleep", "infinity"])
        for name, value in CHECKOV_OFFLINE.items():  # so a reader's checkov command runs here verbatim
            self.with_env(name, value)
        self.kubeconfig = cluster_kubeconfig()
        if self.kubeconfig is not None:
            self.with_volume_mapping(str(self.kubeconfig), KUBECONFIG_IN_CONTAINER, "ro")
            self.with_env("KUBECONFIG", KUBECONFIG_IN_CONTAINER)
            self.with_env(settings.K8S_NAMESPACE.name, settings.K8S_NAMESPACE.raw())

    @property
    def live(self) -> bool:
        return self.kubeconfig is not None

    def _script(self) -> str:
        if self.run(f"test -f {POD_SCRIPT}").exit_code != 0:
            script = resources.files("jsv.probes").joinpath("scripts/kube_pod.py").read_text()
            self.put_file(POD_SCRIPT, script, 0o755)
        return POD_SCRIPT

    def pod_manifest(self, traits: dict[str, Any], apply: bool = False) -> dict[str, Any]:
        """The pod kubespawner builds for ``traits``; with ``apply``, the pod the cluster admitted."""
        return self.build_pod(config_lines(traits), apply)[0]

    def build_pod(self, config: str, apply: bool = False) -> tuple[dict[str, Any], str]:
        """The pod kubespawner builds from ``config`` (a jupyterhub_config.py), and what it logged."""
        directory = f"/tmp/jsv-pods/{hashlib.sha256(config.encode()).hexdigest()[:12]}"
        self.run(f"mkdir -p {directory}")
        self.put_file(f"{directory}/jupyterhub_config.py", config)
        flag = " --apply" if apply else ""
        ran = self.run(
            f"python3 {self._script()}{flag} --config {directory}/jupyterhub_config.py", timeout=240
        )
        if ran.exit_code != 0:
            raise RuntimeError(f"kubespawner could not build the pod: {ran.stderr.strip()[-400:]}")
        return json.loads(ran.stdout.strip().splitlines()[-1]), ran.stderr

    def run_in(
        self, directory: str, command: str, user: str = "root", timeout: int = DEFAULT_COMMAND_TIMEOUT
    ) -> CommandResult:
        """Run the shell text ``command`` verbatim as ``user``, with ``directory`` as working directory."""
        guarded = ["timeout", "--kill-after=5", str(timeout), "sh", "-c", command]
        result = self.get_wrapped_container().exec_run(guarded, user=user, demux=True, workdir=directory)
        return CommandResult(f"{self.alias}:{directory}", user, command, *exec_outcome(result))

    def checkov(self, manifest: dict[str, Any]) -> dict[str, list[str]]:
        """checkov's Kubernetes checks on ``manifest``: ids of passed and failed checks."""
        self.put_file("/tmp/pod.yaml", yaml.safe_dump(manifest))
        ran = self.run(
            "checkov --compact --framework kubernetes -o json -f /tmp/pod.yaml",
            environment=CHECKOV_OFFLINE,
            timeout=240,
        )
        report = json.loads(ran.stdout)
        results = report.get("results", {}) if isinstance(report, dict) else {}
        return {
            "passed": sorted(c["check_id"] for c in results.get("passed_checks", [])),
            "failed": sorted(c["check_id"] for c in results.get("failed_checks", [])),
        }

    def read_versions(self) -> dict[str, str]:
        script = (
            "import json, importlib.metadata as m;"
            "print(json.dumps({p: m.version(p) for p in ['jupyterhub-kubespawner', 'jupyterhub',"
            "'kubernetes_asyncio', 'checkov']}))"
        )
        found = json.loads(self.run(["/opt/kube/bin/python", "-c", script]).stdout)
        found.update(super().read_versions())
        return found


def config_lines(traits: dict[str, Any]) -> str:
    """``traits`` as the ``jupyterhub_config.py`` lines that set them."""
    return "".join(f"c.KubeSpawner.{key} = {value!r}\n" for key, value in traits.items())


class PodTarget:
    """The single-user pod for one KubeSpawner configuration (static, or live with a cluster).

    ``PodTarget(tools, "recommended", {"fs_gid": 100}).with_fix("K8S-01")`` is the
    pod KubeSpawner builds from a ``jupyterhub_config.py`` holding the traits'
    lines and then K8S-01's published fix, verbatim.  The pod is built the
    first time it is read (``manifest``), after every ``with_fix``.
    """

    def __init__(self, tools: KubeTools, variant: str, traits: dict[str, Any] | None = None) -> None:
        self.tools = tools
        self.variant = variant
        self.traits = dict(traits or {})
        self.evidence = "live" if tools.live else "static"
        self.applied_fixes: dict[str, str] = {}
        """claim id -> the fix text this pod was built from (see :meth:`with_fix`)."""
        self._fix_code: list[str] = []
        self._shell_fixes: list[tuple[str, str, str]] = []
        self._manifest: dict[str, Any] | None = None
        self.build_log = ""
        self.shell_steps: list[CommandResult] = []

    def with_fix(self, *claim_ids: str) -> Self:
        """Build this pod from the registry's published fix of each claim, verbatim (as ``Machine.with_fix``).

        A ``jupyterhub_config.py`` fix (KubeSpawner or JupyterHub settings) is
        appended to the configuration; a shell fix runs once the pod's manifest
        exists (:meth:`run_shell_fixes`).
        """
        from jsv.claims.registry import registry_here

        if self._manifest is not None:
            raise ConfigurationError(
                f"{self.variant}: the pod is built already; call with_fix before reading it"
            )
        for claim_id in claim_ids:
            fix = registry_here().claim(claim_id).fix
            if fix.code in self.applied_fixes.values():  # one text fixing two claims goes in once
                self.applied_fixes[claim_id] = fix.code
                continue
            if fix.component == "shell":
                self._shell_fixes.append((claim_id, fix.code, fix.user))
            elif fix.file == "jupyterhub_config.py":
                self._fix_code.append(fix.code)
            else:
                raise ConfigurationError(
                    f"{claim_id}: its fix goes into {fix.file} ({fix.component}), which KubeSpawner "
                    f"does not read; apply it elsewhere or give fix.not_applied"
                )
            self.applied_fixes[claim_id] = fix.code
        return self

    @property
    def config(self) -> str:
        """The ``jupyterhub_config.py`` this pod is built from: the traits' lines, then the fixes."""
        parts = [config_lines(self.traits)] if self.traits else []
        parts += [code if code.endswith("\n") else code + "\n" for code in self._fix_code]
        return "".join(parts)

    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            self._manifest, self.build_log = self.tools.build_pod(self.config, apply=self.tools.live)
            self.run_shell_fixes()
        return self._manifest

    def run_shell_fixes(self) -> None:
        """Run each shell fix verbatim as its user beside ``singleuser-pod.yaml``; failing stops the page."""
        if not self._shell_fixes:
            return
        directory = f"/tmp/jsv-pods/{self.variant}"
        self.tools.run(f"rm -rf {directory} && mkdir -p {directory}")
        self.tools.put_file(f"{directory}/singleuser-pod.yaml", yaml.safe_dump(self.manifest))
        for claim_id, code, user in self._shell_fixes:
            ran = self.tools.run_in(directory, code, user=user, timeout=240)
            self.shell_steps.append(ran)
            if ran.exit_code != 0:
                raise ConfigurationError(
                    f"{claim_id}: its shell fix failed as {user} on the {self.variant} pod's manifest "
                    f"(exit {ran.exit_code}): {last_lines(ran.stdout + ran.stderr, 2)}"
                )

    def config_warnings(self) -> list[str]:
        """What KubeSpawner and traitlets logged about this configuration (ignored or deprecated options)."""
        self.manifest  # noqa: B018 - builds the pod, which fills the log
        return traitlets_warnings(self.build_log)

    def describe(self) -> str:
        self.manifest  # noqa: B018 - shell steps run with the build
        text = self.config or "# KubeSpawner defaults (an empty jupyterhub_config.py)\n"
        for step in self.shell_steps:
            text += f"\n# then, beside the pod's manifest (singleuser-pod.yaml), exit {step.exit_code}:\n"
            text += step.command.rstrip("\n") + "\n"
        return text.rstrip("\n")

    def versions(self) -> dict[str, str]:
        return self.tools.versions()


class PolicySet:
    """NetworkPolicies from a YAML file (``kind: NetworkPolicy`` documents), always static here."""

    evidence = "static"

    def __init__(self, variant: str, path: Path, tools: KubeTools) -> None:
        self.variant = variant
        self.path = path
        self.tools = tools
        self.policies = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
        self.applied_fixes: dict[str, str] = {}
        """Always empty: no Helm chart renders these policies here (the claims say why, fix.not_applied)."""

    def config_warnings(self) -> list[str]:
        """None: no traitlets program reads a NetworkPolicy."""
        return []

    def describe(self) -> str:
        names = ", ".join(p["metadata"]["name"] for p in self.policies) or "none"
        return f"{self.path.name}: NetworkPolicies {names}"

    def versions(self) -> dict[str, str]:
        return {**self.tools.versions(), "NetworkPolicy API": "networking.k8s.io/v1"}
