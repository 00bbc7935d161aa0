"""Secrets a run generates are registered when created and never published.

Everything a runbook shows goes through :func:`redact` (the claim cards, the
transcripts) and the kernel's stdout/stderr are wrapped by
:func:`install_output_filter`, so a token that slips into a ``print`` is
replaced too.  Each registered value is also appended to a private file
(``JSV_SECRETS_FILE``, mode 0600, outside ``_build/``) so that the test suite
can scan the built site for the exact values of that build.
"""

from __future__ import annotations

import os
import secrets as _secrets
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

SECRETS_FILE_ENV = "JSV_SECRETS_FILE"
MIN_LENGTH = 6  # shorter values would redact ordinary words

_registry: dict[str, str] = {}
_lock = threading.Lock()


def register(value: str, label: str) -> str:
    """Remember ``value`` as a secret shown as ``«label»``; returns ``value`` for chaining."""
    if len(value) < MIN_LENGTH:
        raise ValueError(f"secret {label!r} is shorter than {MIN_LENGTH} characters")
    with _lock:
        if value not in _registry:
            _registry[value] = label
            _record(value)
    return value


def new_token(label: str, nbytes: int = 24) -> str:
    """A fresh random hex token, registered as a secret."""
    return register(_secrets.token_hex(nbytes), label)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``«redacted:label»``."""
    with _lock:
        items = sorted(_registry.items(), key=lambda kv: -len(kv[0]))
    for value, label in items:
        if value in text:
            text = text.replace(value, f"«redacted:{label}»")
    return text


def redact_tree(value: Any) -> Any:
    """``value`` (nested dicts, lists, strings) with every string redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_tree(k): redact_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_tree(v) for v in value]
    return value


def registered() -> dict[str, str]:
    """A copy of the registry (value -> label); for tests."""
    with _lock:
        return dict(_registry)


def forget_all() -> None:
    """Empty the registry; for tests."""
    with _lock:
        _registry.clear()


def _record(value: str) -> None:
    path = os.environ.get(SECRETS_FILE_ENV)
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(value + "\n")


def recorded_secrets(path: str | os.PathLike[str]) -> list[str]:
    """The values recorded in a secrets file (one per line)."""
    file = Path(path)
    if not file.is_file():
        return []
    return [line for line in file.read_text(encoding="utf-8").splitlines() if line]


class RedactingStream:
    """A text stream wrapper that redacts registered secrets line by line."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            complete, self._pending = self._pending.rsplit("\n", 1)
            self._inner.write(redact(complete + "\n"))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._inner.write(redact(self._pending))
            self._pending = ""
        self._inner.flush()

    def __getattr__(self, name: str):  # delegate isatty, encoding, ...
        return getattr(self._inner, name)


def install_output_filter() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` so nothing printed can carry a secret."""
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)  # type: ignore[assignment]
