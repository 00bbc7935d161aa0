"""Evaluate Kubernetes NetworkPolicies for one connection, by the rules of the API.

The semantics follow the Kubernetes documentation ("Network Policies",
https://kubernetes.io/docs/concepts/services-networking/network-policies/):

* a pod is isolated for a direction (Ingress/Egress) once any policy in its
  namespace selects it with that policy type; otherwise everything is allowed;
* an isolated pod allows a connection when some selecting policy has a rule
  whose peers and ports match (rules are additive, order does not matter);
* a connection between two pods needs the source's egress **and** the
  destination's ingress; to an address outside the cluster only egress counts.

Pure functions on the manifests' dicts: table-tested in ``tests/unit``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Policy = Mapping[str, Any]


@dataclass(frozen=True)
class Endpoint:
    """A pod (namespace + labels) or an address outside the cluster (``ip`` only)."""

    name: str
    namespace: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    ip: str | None = None
    namespace_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_pod(self) -> bool:
        return self.namespace is not None


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A label selector (``matchLabels`` and ``matchExpressions``); ``{}`` matches everything."""
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def policy_types(policy: Policy) -> list[str]:
    spec = policy.get("spec", {})
    if "policyTypes" in spec:
        return list(spec["policyTypes"])
    return ["Ingress"] + (["Egress"] if "egress" in spec else [])


def _namespace_labels(endpoint: Endpoint) -> dict[str, str]:
    return {"kubernetes.io/metadata.name": endpoint.namespace or "", **endpoint.namespace_labels}


def _peer_matches(peer: Mapping[str, Any], other: Endpoint, policy_namespace: str) -> bool:
    if "ipBlock" in peer:
        if other.ip is None:
            return False
        address = ipaddress.ip_address(other.ip)
        block = peer["ipBlock"]
        if address not in ipaddress.ip_network(block["cidr"]):
            return False
        return not any(address in ipaddress.ip_network(cidr) for cidr in block.get("except", []))
    if not other.is_pod:
        return False
    if "namespaceSelector" in peer:
        if not selector_matches(peer["namespaceSelector"], _namespace_labels(other)):
            return False
    elif other.namespace != policy_namespace:
        return False
    return selector_matches(peer.get("podSelector"), other.labels)


def _port_matches(ports: list[Mapping[str, Any]] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    for entry in ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        if "port" not in entry:
            return True
        first = entry["port"]
        if isinstance(first, int) and first <= port <= entry.get("endPort", first):
            return True
    return False


def direction_allows(
    policies: list[Policy], pod: Endpoint, other: Endpoint, port: int, direction: str, protocol: str = "TCP"
) -> tuple[bool, str]:
    """Whether ``pod``'s policies let a connection in (``Ingress``) or out (``Egress``)."""
    selecting = [
        p
        for p in policies
        if p.get("metadata", {}).get("namespace", "default") == pod.namespace
        and selector_matches(p.get("spec", {}).get("podSelector"), pod.labels)
        and direction in policy_types(p)
    ]
    if not selecting:
        return True, f"{pod.name}: not isolated for {direction}"
    rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in selecting:
        for rule in policy.get("spec", {}).get(rules_key) or []:
            peers = rule.get(peers_key)
            if _port_matches(rule.get("ports"), port, protocol) and (
                not peers or any(_peer_matches(peer, other, pod.namespace or "") for peer in peers)
            ):
                return True, f"{pod.name}: {direction} allowed by {policy['metadata']['name']}"
    names = ", ".join(p["metadata"]["name"] for p in selecting)
    return False, f"{pod.name}: {direction} denied (isolated by {names}; no rule matches)"


def connection_allowed(
    policies: list[Policy], source: Endpoint, destination: Endpoint, port: int, protocol: str = "TCP"
) -> tuple[bool, str]:
    """Whether ``source`` may open a connection to ``destination:port``, and why."""
    egress, why_out = direction_allows(policies, source, destination, port, "Egress", protocol)
    if not destination.is_pod:
        return egress, why_out
    ingress, why_in = direction_allows(policies, destination, source, port, "Ingress", protocol)
    return egress and ingress, f"{why_out}; {why_in}"
