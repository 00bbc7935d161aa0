"""The other machine on the network (``containers/net-client``): curl, ssh, tcpflow."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Collection
from typing import Any

from jsv.environments.command_line import secrets_in
from jsv.environments.machine import CommandResult, Machine
from jsv.redaction import MIN_LENGTH, register


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
        # One exec: the body on stdout; the headers, curl's error and the status code (last) on stderr.
        command = ["curl", "-sS", "-k", "--max-time", str(timeout), "-D", "/dev/stderr", "-w", _STATUS_OUT]
        arguments, environment = secrets_as_curl_variables([*options, url])
        return HttpReply.parse(self.run([*command, *arguments], environment=environment))

    def read_versions(self) -> dict[str, str]:
        found = super().read_versions()
        query = "dpkg-query -W -f '${Package}=${Version}\\n' curl tcpflow openssh-client"
        for line in self.run(query).stdout.splitlines():
            name, _, version = line.partition("=")
            found[name] = version
        return found


# curl options that may carry a secret (a token header, a cookie, a body), and the form that expands variables
_EXPANDING = {
    "-H": "--expand-header",
    "--header": "--expand-header",
    "-b": "--expand-cookie",
    "--cookie": "--expand-cookie",
    "-d": "--expand-data",
    "--data": "--expand-data",
}


def secrets_as_curl_variables(arguments: list[str]) -> tuple[list[str], dict[str, str]]:
    """curl ``arguments`` (options, then the URL) with each registered secret in them read by curl from
    its environment (``--variable %NAME``, ``{{NAME}}`` in an ``--expand-`` option), and that environment.

    A secret elsewhere stays where it is, and ``Machine.run`` refuses the command.
    """
    names: dict[str, str] = {}

    def hidden(text: str) -> str:
        for value, label in secrets_in(text):
            name = names.setdefault(value, _variable_name(label, names.values()))
            text = text.replace(value, "{{" + name + "}}")
        return text

    *options, url = arguments
    out: list[str] = []
    index = 0
    while index < len(options):
        argument = options[index]
        if argument in _EXPANDING and index + 1 < len(options) and secrets_in(options[index + 1]):
            out += [_EXPANDING[argument], hidden(options[index + 1])]
            index += 2
        else:
            out.append(argument)
            index += 1
    out += ["--expand-url", hidden(url)] if secrets_in(url) else [url]
    declared = [part for name in names.values() for part in ("--variable", f"%{name}")]
    return [*declared, *out], {name: value for value, name in names.items()}


def _variable_name(label: str, taken: Collection[str]) -> str:
    """A variable named after the secret's label (``hardened-token`` -> ``JSV_HARDENED_TOKEN``)."""
    base = "JSV_" + re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").upper()
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    return name


# curl's --write-out: switch to stderr, then the status on a line of its own (after the headers' blank line).
_STATUS_MARK = "jsv-http-code="
_STATUS_OUT = f"%{{stderr}}\n{_STATUS_MARK}%{{http_code}}\n"

# curl exit codes (man curl, "EXIT CODES") in a reader's words.
_CURL_ERRORS = {
    6: "unresolved host",
    7: "connection refused",
    28: "timeout",
    35: "TLS handshake failed",
    52: "empty reply",
    56: "connection reset",
    60: "certificate not trusted",
}


class HttpReply:
    """One HTTP exchange seen by curl (status 0 when no connection was made)."""

    def __init__(
        self, result: CommandResult, status: int, headers: dict[str, str], body: str, error: str
    ) -> None:
        self.result = result
        self.status = status
        self.headers = headers
        self.body = body
        self.error = error

    @classmethod
    def parse(cls, result: CommandResult) -> HttpReply:
        """From :meth:`NetClient.http`'s output: the body is stdout (kept only when curl succeeded)."""
        headers: dict[str, str] = {}
        error_lines = []
        code = ""
        for line in result.stderr.splitlines():
            if line.startswith(_STATUS_MARK):
                code = line.removeprefix(_STATUS_MARK).strip()
            elif ":" in line and not line.startswith(("curl:", "HTTP/")):
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
                if key.strip().lower() == "set-cookie":
                    _register_cookie(value)
            elif line.startswith("curl:"):
                error_lines.append(line)
        status = int(code) if code.isdigit() else 0
        body = result.stdout if result.exit_code == 0 else ""
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


def _register_cookie(header_value: str) -> None:
    """A cookie the server set is a credential generated by the run: never publish it."""
    name, _, rest = header_value.strip().partition("=")
    value = rest.split(";", 1)[0].strip().strip('"')
    if len(value) >= MIN_LENGTH:
        register(value, f"cookie {name.strip()}")


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
