"""Listening sockets inside a container (``ss``)."""

from __future__ import annotations

from dataclasses import dataclass

from jsv.environments.machine import CommandResult, Machine


@dataclass(frozen=True)
class Listener:
    kind: str  # "tcp" or "unix"
    address: str

    def __repr__(self) -> str:
        return f"{self.kind}:{self.address}"


def parse_ss(text: str, kind: str) -> list[Listener]:
    """Parse ``ss -Hltn`` (kind tcp) or ``ss -Hlx`` (kind unix) output."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if kind == "tcp" and len(fields) >= 4:
            found.append(Listener("tcp", fields[3]))
        elif kind == "unix" and len(fields) >= 5:
            found.append(Listener("unix", fields[4]))
    return found


def listeners(machine: Machine) -> tuple[list[Listener], CommandResult]:
    """TCP and UNIX-domain listening sockets of every process in the container."""
    ran = machine.run("ss -Hltn; echo '--'; ss -Hlx")
    tcp, _, unix = ran.stdout.partition("--\n")
    return parse_ss(tcp, "tcp") + parse_ss(unix, "unix"), ran
