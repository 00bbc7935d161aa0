"""Kernels as another local user sees them: connection files, sockets, signed messages."""

from __future__ import annotations

import json
import shlex
from importlib import resources

from jsv.environments.command_line import curl_token_header
from jsv.environments.machine import CommandResult, Machine

SCRIPT_PATH = "/opt/jsv/kernel_message.py"
PYTHON = "/opt/jupyter/bin/python"


def start_kernel(server: Machine, token: str) -> str:
    """Start a kernel through the server's REST API (as its owner would); return its id."""
    ran = server.run(
        f"curl -s -X POST {curl_token_header('T')} http://127.0.0.1:8888/api/kernels",
        user="alice",
        environment={"T": token},
    )
    return json.loads(ran.stdout)["id"]


def runtime_dir(server: Machine) -> str:
    return server.run(
        "jupyter --runtime-dir", user="alice", environment={"HOME": "/home/alice"}
    ).stdout.strip()


def connection_info(server: Machine, kernel_id: str) -> dict:
    """The kernel's connection file, read by root (what an attacker would like to have)."""
    path = f"{runtime_dir(server)}/kernel-{kernel_id}.json"
    return json.loads(server.run(f"cat {path}").stdout)


def send_execute(
    machine: Machine, info: dict, code: str, user: str, key: str | None = None, timeout: float = 5
) -> tuple[str | None, CommandResult]:
    """As ``user``, send one execute_request using ``info`` (``key`` overrides its HMAC key).

    Returns the reply status (``"ok"``) or ``None`` when the kernel did not answer.
    """
    if machine.run(f"test -f {SCRIPT_PATH}").exit_code != 0:
        script = resources.files("jsv.probes").joinpath("scripts/kernel_message.py").read_text()
        machine.put_file(SCRIPT_PATH, script, 0o755)
    command = [PYTHON, SCRIPT_PATH, json.dumps(info), code, "--timeout", str(timeout)]
    if key is not None:
        command += ["--key", key]
    ran = machine.run(command, user=user)
    shown = CommandResult(ran.where, ran.user, _short(command), ran.exit_code, ran.stdout, ran.stderr)
    try:
        reply = json.loads(ran.stdout.strip().splitlines()[-1])["reply"]
    except (IndexError, ValueError, KeyError):
        reply = None
    return reply, shown


def can_connect(machine: Machine, info: dict, user: str) -> CommandResult:
    """As ``user``, open a raw connection to the kernel's shell socket (TCP port or UNIX path)."""
    if info["transport"] == "ipc":
        target = f"{info['ip']}-{info['shell_port']}"
        code = (
            "import socket,sys; s=socket.socket(socket.AF_UNIX); "
            f"s.connect({target!r}); print('connected to', {target!r})"
        )
    else:
        target = f"{info['ip']}:{info['shell_port']}"
        code = (
            "import socket; s=socket.create_connection("
            f"({info['ip']!r}, {info['shell_port']})); print('connected to', {target!r})"
        )
    return machine.run(["python3", "-c", code], user=user)


def _short(command: list[str]) -> str:
    shown = list(command)
    shown[2] = "'<connection info>'"
    return " ".join(shlex.quote(part) if i != 2 else part for i, part in enumerate(shown))
