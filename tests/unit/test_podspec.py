"""Pod security facts: container settings override the pod's, as in the API."""

from jsv.probes.podspec import security_facts


def pod(container_context=None, pod_context=None, **spec):
    container = {"name": "notebook", "image": "x"}
    if container_context is not None:
        container["securityContext"] = container_context
    return {
        "spec": {
            "containers": [{"name": "sidecar"}, container],
            **({"securityContext": pod_context} if pod_context else {}),
            **spec,
        }
    }


def test_container_context_wins_over_pod_context():
    facts = security_facts(
        pod({"runAsUser": 1000}, {"runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}})
    )
    assert facts["runAsUser"] == 1000
    assert facts["seccompProfile"] == "RuntimeDefault"


def test_defaults_when_nothing_is_set():
    facts = security_facts(pod())
    assert facts["runAsUser"] is None
    assert facts["allowPrivilegeEscalation"] is None
    assert facts["capabilities dropped"] == []
    assert facts["limits"] == {}


def test_token_mount_and_limits():
    spec = pod({"capabilities": {"drop": ["ALL"]}}, automountServiceAccountToken=False)
    spec["spec"]["containers"][1]["resources"] = {"limits": {"cpu": 1.0, "memory": "1G"}}
    facts = security_facts(spec)
    assert facts["automountServiceAccountToken"] is False
    assert facts["capabilities dropped"] == ["ALL"]
    assert facts["limits"] == {"cpu": "1.0", "memory": "1G"}
