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
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jsv.environments.machine import Machine

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
        self.kubeconfig = cluster_kubeconfig()
        if self.kubeconfig is not None:
            self.with_volume_mapping(str(self.kubeconfig), KUBECONFIG_IN_CONTAINER, "ro")
            self.with_env("KUBECONFIG", KUBECONFIG_IN_CONTAINER)
            self.with_env("JSV_K8S_NAMESPACE", os.environ.get("JSV_K8S_NAMESPACE", "jsv"))

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
        self.put_file("/tmp/traits.json", json.dumps(traits))
        flag = " --apply" if apply else ""
        ran = self.run(f"python3 {self._script()}{flag} < /tmp/traits.json", timeout=240)
        if ran.exit_code != 0:
            raise RuntimeError(f"kubespawner could not build the pod: {ran.stderr.strip()[-400:]}")
        return json.loads(ran.stdout.strip().splitlines()[-1])

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


class PodTarget:
    """The single-user pod for one KubeSpawner configuration (static, or live with a cluster)."""

    def __init__(self, tools: KubeTools, variant: str, traits: dict[str, Any]) -> None:
        self.tools = tools
        self.variant = variant
        self.traits = traits
        self.evidence = "live" if tools.live else "static"
        self.manifest = tools.pod_manifest(traits, apply=tools.live)

    def describe(self) -> str:
        if not self.traits:
            return "KubeSpawner defaults"
        return "\n".join(f"c.KubeSpawner.{key} = {value!r}" for key, value in self.traits.items())

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

    def describe(self) -> str:
        names = ", ".join(p["metadata"]["name"] for p in self.policies) or "none"
        return f"{self.path.name}: NetworkPolicies {names}"

    def versions(self) -> dict[str, str]:
        return {**self.tools.versions(), "NetworkPolicy API": "networking.k8s.io/v1"}
