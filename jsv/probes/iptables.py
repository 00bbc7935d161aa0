"""Whether one ``iptables --append OUTPUT ... --jump DROP`` rule drops a packet (static reading).

Only the options the Zero to JupyterHub chart's ``block-cloud-metadata`` init
container uses are understood (``--protocol``, ``--destination``,
``--destination-port``, ``--jump``); any other option makes the rule unreadable
here rather than silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address, ip_network

from jsv.errors import ConfigurationError

_OPTIONS = {
    "--protocol": "protocol",
    "-p": "protocol",
    "--destination": "destination",
    "-d": "destination",
    "--destination-port": "port",
    "--dport": "port",
    "--jump": "target",
    "-j": "target",
}


@dataclass(frozen=True)
class OutputRule:
    """One rule of the OUTPUT chain; ``None`` fields match everything."""

    protocol: str | None
    destination: str | None
    port: int | None
    target: str

    @classmethod
    def from_command(cls, command: list[str]) -> OutputRule:
        """Read ``["iptables", "--append", "OUTPUT", <option value>...]``."""
        if command[:3] not in (["iptables", "--append", "OUTPUT"], ["iptables", "-A", "OUTPUT"]):
            raise ConfigurationError(f"not an iptables rule appended to OUTPUT: {' '.join(command)}")
        values: dict[str, str] = {}
        rest = command[3:]
        if len(rest) % 2:
            raise ConfigurationError(f"an iptables option without its value: {' '.join(command)}")
        for option, value in zip(rest[::2], rest[1::2], strict=True):
            if option not in _OPTIONS:
                raise ConfigurationError(f"iptables option {option} is not understood here: {rest}")
            values[_OPTIONS[option]] = value
        return cls(
            values.get("protocol"),
            values.get("destination"),
            int(values["port"]) if "port" in values else None,
            values.get("target", ""),
        )

    def drops(self, address: str, port: int, protocol: str) -> bool:
        """True when a packet to ``address:port`` over ``protocol`` (TCP/UDP) hits this DROP rule."""
        if self.target != "DROP":
            return False
        if self.protocol is not None and self.protocol.lower() != protocol.lower():
            return False
        if self.destination is not None and ip_address(address) not in ip_network(self.destination):
            return False
        return self.port is None or self.port == port
