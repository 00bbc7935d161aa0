"""The security-relevant facts of a pod manifest, as Kubernetes would apply them.

Container-level ``securityContext`` fields win over the pod-level ones, as in
the API (``PodSecurityContext`` documents the precedence).  Pure functions,
table-tested in ``tests/unit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NOTEBOOK_CONTAINER = "notebook"


def notebook_container(pod: Mapping[str, Any]) -> Mapping[str, Any]:
    containers = pod.get("spec", {}).get("containers", [])
    return next((c for c in containers if c.get("name") == NOTEBOOK_CONTAINER), containers[0])


def security_facts(pod: Mapping[str, Any]) -> dict[str, Any]:
    """runAsUser, privilege escalation, capabilities, token mount, limits and seccomp of the notebook."""
    spec = pod.get("spec", {})
    container = notebook_container(pod)
    pod_context = spec.get("securityContext") or {}
    context = container.get("securityContext") or {}

    def effective(key: str) -> Any:
        return context.get(key, pod_context.get(key))

    capabilities = context.get("capabilities") or {}
    limits = (container.get("resources") or {}).get("limits") or {}
    seccomp = effective("seccompProfile") or {}
    return {
        "runAsUser": effective("runAsUser"),
        "runAsNonRoot": effective("runAsNonRoot"),
        "allowPrivilegeEscalation": context.get("allowPrivilegeEscalation"),
        "privileged": bool(context.get("privileged", False)),
        "capabilities dropped": sorted(capabilities.get("drop") or []),
        "capabilities added": sorted(capabilities.get("add") or []),
        "automountServiceAccountToken": spec.get("automountServiceAccountToken"),
        "limits": {key: str(value) for key, value in sorted(limits.items())},
        "seccompProfile": seccomp.get("type"),
    }
