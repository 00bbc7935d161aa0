"""Process owners and command lines, as any local user sees them with ``ps``."""

from __future__ import annotations

from jsv.environments.machine import CommandResult, Machine


def parse_ps(text: str) -> list[tuple[str, str]]:
    """Parse ``ps -eo user:20,args --no-headers``: [(user, command line)]."""
    rows = []
    for line in text.splitlines():
        if line.strip():
            user, _, args = line.strip().partition(" ")
            rows.append((user, args.strip()))
    return rows


def processes(machine: Machine, as_user: str = "root") -> tuple[list[tuple[str, str]], CommandResult]:
    """Every process with its owner and full command line, as ``as_user`` can see them."""
    ran = machine.run("ps -eo user:20,args --no-headers", user=as_user)
    return parse_ps(ran.stdout), ran
