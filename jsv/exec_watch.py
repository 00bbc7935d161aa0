"""Which of a build's ``docker exec`` command lines carried a secret the run generated.

``Machine.run`` refuses a registered secret on a command (:mod:`jsv.environments.command_line`), but a
secret can be registered only after it was used (read back from a container), and a cell can reach the
Docker API another way.  The engine's own record is the test: every ``exec_create`` event of the build's
containers names the command it ran, as anyone with Docker access on the host sees it.  The watch keeps
those command lines in memory only, and the check reports a secret's label, never its value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jsv.labels import BUILD_LABEL
from jsv.redaction import RecordedSecret

_EXEC_CREATE = "exec_create: "


@dataclass(frozen=True)
class ExposedSecret:
    """A secret seen on an exec's command line: its label and the container's name (never the value)."""

    label: str
    container: str

    def error_line(self) -> str:
        return (
            f"error: secret «{self.label}» was on the command line of a docker exec in {self.container} "
            "(ps and docker events show command lines): pass it in the environment"
        )


class ExecWatch:
    """Collects the command lines of the execs started in the build's containers while it is open.

    >>> with ExecWatch(engine, build) as watch:     # doctest: +SKIP
    ...     run_pages()
    >>> watch.exposed(recorded_labelled_secrets(path))  # doctest: +SKIP
    """

    def __init__(self, engine: Any, build: str) -> None:
        self._engine = engine
        self._filters = {"type": "container", "event": "exec_create", "label": f"{BUILD_LABEL}={build}"}
        self._commands: dict[str, tuple[str, str]] = {}  # exec id -> (container name, command line)
        self._lock = threading.Lock()
        self._stream: Any = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self.complete = True
        """False when the engine's event stream ended before the watch did: the check then saw only part."""

    def __enter__(self) -> ExecWatch:
        self._stream = self._engine.events(decode=True, filters=self._filters)
        self._thread = threading.Thread(target=self._collect, name="jsv-exec-watch", daemon=True)
        self._thread.start()
        return self

    def _collect(self) -> None:
        try:
            for event in self._stream:
                self._record(event)
        except Exception:  # expected once __exit__ closes the stream under the reader
            pass
        if not self._closing:
            self.complete = False

    def _record(self, event: dict[str, Any]) -> None:
        action = str(event.get("Action") or event.get("status") or "")
        attributes = event.get("Actor", {}).get("Attributes", {})
        if action.startswith(_EXEC_CREATE):
            with self._lock:
                self._commands[str(attributes.get("execID", len(self._commands)))] = (
                    str(attributes.get("name", "?")),
                    action.removeprefix(_EXEC_CREATE),
                )

    def __exit__(self, *exc: object) -> None:
        # The live stream may not have delivered the last few events yet: read the last seconds again from
        # the engine's short event history (the same exec ids count once).
        now = int(time.time())
        for event in self._engine.events(decode=True, since=now - 5, until=now + 1, filters=self._filters):
            self._record(event)
        self._closing = True
        self._stream.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def count(self) -> int:
        return len(self._commands)

    def exposed(self, secrets: Iterable[RecordedSecret]) -> list[ExposedSecret]:
        """Each (secret, container) pair where the secret's exact value was on a command line."""
        found: dict[tuple[str, str], ExposedSecret] = {}
        wanted = list(secrets)
        with self._lock:
            commands = list(self._commands.values())
        for container, command in commands:
            for secret in wanted:
                if secret.value in command:
                    found.setdefault((secret.label, container), ExposedSecret(secret.label, container))
        return list(found.values())
