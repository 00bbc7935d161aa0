import pytest

from jsv.errors import ConfigurationError
from jsv.probes.iptables import OutputRule

CHART_RULE = [
    "iptables",
    "--append",
    "OUTPUT",
    "--protocol",
    "tcp",
    "--destination",
    "169.254.169.254",
    "--destination-port",
    "80",
    "--jump",
    "DROP",
]


def test_the_charts_rule_drops_tcp_80_to_the_metadata_address_only():
    rule = OutputRule.from_command(CHART_RULE)
    assert rule.drops("169.254.169.254", 80, "TCP")
    assert not rule.drops("169.254.169.254", 443, "TCP")
    assert not rule.drops("169.254.169.254", 53, "UDP")
    assert not rule.drops("169.254.169.253", 80, "TCP")


def test_a_rule_without_port_or_protocol_drops_everything_to_its_network():
    rule = OutputRule.from_command(["iptables", "-A", "OUTPUT", "-d", "169.254.0.0/16", "-j", "DROP"])
    assert rule.drops("169.254.169.254", 53, "UDP")
    assert not rule.drops("10.0.0.1", 80, "TCP")


def test_an_accept_rule_drops_nothing():
    assert not OutputRule.from_command([*CHART_RULE[:-1], "ACCEPT"]).drops("169.254.169.254", 80, "TCP")


@pytest.mark.parametrize(
    "command",
    [
        ["iptables", "--insert", "INPUT", "-j", "DROP"],
        [*CHART_RULE, "--match", "owner"],
    ],
)
def test_rules_it_cannot_read_are_refused(command):
    with pytest.raises(ConfigurationError):
        OutputRule.from_command(command)
