"""The NetworkPolicy evaluator against the API's documented semantics, table-tested."""

import pytest

from jsv.probes.netpol import Endpoint, connection_allowed, selector_matches


def policy(name, selector, types, ingress=None, egress=None, namespace="jhub"):
    spec = {"podSelector": selector, "policyTypes": types}
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    return {"metadata": {"name": name, "namespace": namespace}, "spec": spec}


USER = Endpoint("user", "jhub", {"component": "singleuser-server"})
OTHER_USER = Endpoint("other", "jhub", {"component": "singleuser-server"})
HUB = Endpoint("hub", "jhub", {"component": "hub"})
METADATA = Endpoint("metadata", ip="169.254.169.254")
INTERNET = Endpoint("internet", ip="93.184.215.14")
ELSEWHERE = Endpoint("elsewhere", "other-ns", {"component": "hub"})

ISOLATE_USERS = policy(
    "singleuser",
    {"matchLabels": {"component": "singleuser-server"}},
    ["Ingress", "Egress"],
    ingress=[{"from": [{"podSelector": {"matchLabels": {"component": "hub"}}}], "ports": [{"port": 8888}]}],
    egress=[
        {"to": [{"podSelector": {"matchLabels": {"component": "hub"}}}], "ports": [{"port": 8081}]},
        {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32", "10.0.0.0/8"]}}]},
    ],
)


@pytest.mark.parametrize(
    ("policies", "source", "destination", "port", "allowed"),
    [
        ([], USER, METADATA, 80, True),  # no policy: not isolated
        ([ISOLATE_USERS], USER, METADATA, 80, False),  # except
        ([ISOLATE_USERS], USER, INTERNET, 443, True),
        ([ISOLATE_USERS], USER, HUB, 8081, True),
        ([ISOLATE_USERS], USER, HUB, 8001, False),  # wrong port
        ([ISOLATE_USERS], USER, OTHER_USER, 8888, False),  # egress to pods only hub:8081
        ([ISOLATE_USERS], HUB, USER, 8888, True),  # hub not isolated; user ingress from hub
        ([ISOLATE_USERS], HUB, USER, 9999, False),
        ([ISOLATE_USERS], ELSEWHERE, USER, 8888, False),  # podSelector alone: same namespace only
        (
            [policy("allow-all", {}, ["Ingress", "Egress"], ingress=[{}], egress=[{}])],
            USER,
            METADATA,
            80,
            True,
        ),
        ([policy("deny-all", {}, ["Ingress", "Egress"])], HUB, USER, 8888, False),
        ([policy("other-ns", {}, ["Egress"], namespace="elsewhere")], USER, METADATA, 80, True),
    ],
)
def test_connection(policies, source, destination, port, allowed):
    assert connection_allowed(policies, source, destination, port)[0] is allowed


def test_reason_names_the_policy():
    allowed, why = connection_allowed([ISOLATE_USERS], USER, METADATA, 80)
    assert not allowed and "isolated by singleuser" in why


@pytest.mark.parametrize(
    ("selector", "labels", "matches"),
    [
        ({}, {"a": "1"}, True),
        ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
        ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}]}, {"a": "1"}, True),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {"a": "1"}, False),
        ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {}, False),
        ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {}, True),
    ],
)
def test_selector(selector, labels, matches):
    assert selector_matches(selector, labels) is matches


def test_namespace_selector_uses_the_namespace_name_label():
    from_ns = policy(
        "from-ns",
        {},
        ["Ingress"],
        ingress=[
            {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "other-ns"}}}]}
        ],
    )
    assert connection_allowed([from_ns], ELSEWHERE, USER, 8888)[0]
    assert not connection_allowed([from_ns], HUB, USER, 8888)[0]
