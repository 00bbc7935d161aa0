"""The other machine on the network (``containers/net-client``): curl, ssh, tcpflow."""

from __future__ import annotations

import json
import shlex
from typing import Any

from jsv.environments.machine import CommandResult, Machine


class NetClient(Machine):
    """A client on the lab network, or a capture sidecar in a target's network namespace.

    >>> client = lab.start(NetClient())                                  # doctest: +SKIP
    >>> client.curl(server.url("/api/status")).exit_code                  # doctest: +SKIP
    0
    """

    environment = "net-client"

    def __init__(self, variant: str = "client", alias: str = "client", **kwargs: Any) -> None:
        super().__init__(variant, alias, **kwargs)
        self.with_command(["sleep", "infinity"])

    def http(self, url: str, *options: str, timeout: float = 10) -> HttpReply:
        """``curl`` ``url``; returns status, headers and body as the client saw them."""
        command = ["curl", "-sS", "-k", "--max-time", str(timeout), "-D", "/dev/stderr",
                   "-o", "/tmp/body", "-w", "%{http_code}", *options, url]
        ran = self.run(command)
        body = self.run(["cat", "/tmp/body"]).stdout if ran.exit_code == 0 else ""
        return HttpReply.parse(ran, body)

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        query = "dpkg-query -W -f '${Package}=${Version}\\n' curl tcpflow openssh-client"
        for line in self.run(query).stdout.splitlines():
            name, _, version = line.partition("=")
            found[name] = version
        return found


# curl exit codes (man curl, "EXIT CODES") in a reader's words.
_CURL_ERRORS = {6: "unresolved host", 7: "connection refused", 28: "timeout",
                35: "TLS handshake failed", 52: "empty reply", 56: "connection reset",
                60: "certificate not trusted"}


class HttpReply:
    """One HTTP exchange seen by curl (status 0 when no connection was made)."""

    def __init__(self, result: CommandResult, status: int, headers: dict[str, str],
                 body: str, error: str) -> None:
        self.result = result
        self.status = status
        self.headers = headers
        self.body = body
        self.error = error

    @classmethod
    def parse(cls, result: CommandResult, body: str) -> HttpReply:
        headers: dict[str, str] = {}
        error_lines = []
        for line in result.stderr.splitlines():
            if ":" in line and not line.startswith(("curl:", "HTTP/")):
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            elif line.startswith("curl:"):
                error_lines.append(line)
        code = result.stdout.strip()[-3:]
        status = int(code) if code.isdigit() else 0
        return cls(result, status, headers, body, " ".join(error_lines))

    @property
    def outcome(self) -> str:
        """``HTTP <status>`` or the connection error class (``refused``, ``timeout``...)."""
        if self.status:
            return f"HTTP {self.status}"
        return _CURL_ERRORS.get(self.result.exit_code, f"no response (curl exit {self.result.exit_code})")

    @property
    def transcript(self) -> str:
        command = shlex.join(c for c in _display_command(self.result.command))
        head = f"{self.result.user}@{self.result.where}$ {command}"
        lines = [head, self.outcome]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        if self.body:
            lines.append(self.body[:300])
        return "\n".join(lines)

    def json(self) -> Any:
        return json.loads(self.body)


def _display_command(command: str) -> list[str]:
    """The curl command without our bookkeeping flags, as a reader would type it."""
    argv = shlex.split(command)
    shown, skip = [], 0
    for index, arg in enumerate(argv):
        if skip:
            skip -= 1
            continue
        if arg in {"-D", "-o", "-w"} and index + 1 < len(argv):
            skip = 1
            continue
        shown.append(arg)
    return shown
