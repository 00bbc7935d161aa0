"""Machine.run_when: the wait runs in one shell (here a local one, standing in for the container)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from jsv.environments.machine import CommandResult, Machine


class LocalShell:
    """What run_when needs of a Machine: ``run`` (here ``sh -c`` on this machine), counting the calls."""

    run_when = Machine.run_when

    def __init__(self) -> None:
        self.calls = 0

    def run(self, command: str, user: str = "root", timeout: int = 60) -> CommandResult:
        self.calls += 1
        done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=timeout)
        return CommandResult("local", user, command, done.returncode, done.stdout, done.stderr)


def test_returns_once_the_condition_holds_in_one_call(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    shell = LocalShell()
    writer = subprocess.Popen(["sh", "-c", f"sleep 1; echo uid=0 > {marker}"])
    started = time.monotonic()
    ran = shell.run_when(f"test -s {marker}", f"cat {marker}", wait=20, interval=0.2)
    writer.wait()
    assert (ran.exit_code, ran.stdout.strip(), shell.calls) == (0, "uid=0", 1)
    assert time.monotonic() - started < 10


def test_gives_up_after_the_wait_and_still_runs_the_command(tmp_path: Path) -> None:
    shell = LocalShell()
    started = time.monotonic()
    ran = shell.run_when(f"test -s {tmp_path}/never", f"test -s {tmp_path}/never", wait=1, interval=0.2)
    assert ran.exit_code == 1 and shell.calls == 1
    assert 1 <= time.monotonic() - started < 5
