"""File modes, owners, and whether a given user can read a file."""

from __future__ import annotations

from dataclasses import dataclass

from jsv.environments.machine import CommandResult, Machine


class Mode(int):
    """A file mode that prints in octal (``0o600``)."""

    def __repr__(self) -> str:
        return f"0o{int(self):03o}"


@dataclass(frozen=True)
class FileStat:
    path: str
    mode: int
    owner: str
    group: str
    transcript: str

    def __repr__(self) -> str:
        return f"{self.path} {self.mode:04o} {self.owner}:{self.group}"


def parse_stat(line: str) -> tuple[int, str, str, str]:
    """Parse ``stat -c '%a %U %G %n'`` output: (mode, owner, group, path)."""
    mode, owner, group, path = line.strip().split(" ", 3)
    return int(mode, 8), owner, group, path


def stat(machine: Machine, path: str) -> FileStat:
    """Mode and ownership of ``path`` (a glob is expanded by the shell; first match)."""
    ran = machine.run(f"stat -c '%a %U %G %n' {path} | head -n 1")
    if ran.exit_code != 0 or not ran.stdout.strip():
        raise FileNotFoundError(f"{path} on {machine.alias}: {ran.stderr.strip()}")
    mode, owner, group, real_path = parse_stat(ran.stdout)
    return FileStat(real_path, Mode(mode), owner, group, ran.transcript)


def can_read(machine: Machine, path: str, user: str) -> CommandResult:
    """Try to read ``path`` as ``user``; exit code 0 means the read worked."""
    return machine.run(f"cat {path} > /dev/null && echo readable", user=user)
