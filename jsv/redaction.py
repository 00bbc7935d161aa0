"""Secrets a run generates are registered when created and never published.

Everything a runbook shows goes through :func:`redact` (the claim cards, the
transcripts) and the kernel's stdout/stderr are wrapped by
:func:`install_output_filter`, so a token that slips into a ``print`` is
replaced too.  :func:`install_kernel_filter` redacts every message the kernel
sends, which also covers output written at the file-descriptor level
(``os.write(1, ...)``, a subprocess inheriting stdout) that never passes
through ``sys.stdout``.  Each registered value is also appended, with its label,
to a private file (``JSV_SECRETS_FILE``, mode 0600, outside ``_build/``) so that
every site build ends with an exact-value scan of its output
(:mod:`jsv.secret_scan`).

A secret the kernel filter finds in a ``stream`` message got there below
``sys.stdout`` (the stream wrapper would have redacted it): it is redacted and the
leak is recorded (label and cell, never the value) by :mod:`jsv.leaks`, which
fails the site build until the cell is fixed.  The build
also passes its console output through :class:`RecordedRedactor`, because
ipykernel copies fd-level output to the kernel's own stdout; so does
:mod:`jsv.execution.kernel`, the one place kernels are started, for every kernel
(a matrix page's nested kernel's stdout is not the matrix kernel's output).
"""

from __future__ import annotations

import atexit
import os
import secrets as _secrets
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from jsv import settings
from jsv.leaks import UNLABELLED, Leak, code_digest, locate_cell, record_leak

SECRETS_FILE_ENV = settings.SECRETS_FILE.name
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
            _record(value, label)
    return value


def new_token(label: str, nbytes: int = 24) -> str:
    """A fresh random hex token, registered as a secret."""
    return register(_secrets.token_hex(nbytes), label)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``«redacted:label»``."""
    return redact_labels(text)[0]


def redact_labels(text: str) -> tuple[str, set[str]]:
    """:func:`redact` and the labels of the secrets it replaced."""
    with _lock:
        items = list(_registry.items())
    return _replace(text, items)


def _replace(text: str, items: list[tuple[str, str]]) -> tuple[str, set[str]]:
    found = set()
    for value, label in sorted(items, key=lambda kv: -len(kv[0])):
        if value in text:
            text = text.replace(value, f"«redacted:{label}»")
            found.add(label)
    return text, found


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


def _record(value: str, label: str) -> None:
    """Append ``label<TAB>value`` (one line per line of a multi-line value) to the secrets file."""
    path = settings.SECRETS_FILE.raw() or None
    if not path:
        return
    clean_label = " ".join(label.split()) or UNLABELLED
    lines = [part for part in value.splitlines() if len(part) >= MIN_LENGTH] or [value]
    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{clean_label}\t{part}\n" for part in lines))


@dataclass(frozen=True)
class RecordedSecret:
    """One line of the secrets file."""

    label: str
    value: str


def recorded_labelled_secrets(path: str | os.PathLike[str]) -> list[RecordedSecret]:
    """The (label, value) records of a secrets file, in file order.

    A line is ``label<TAB>value``; a line without a tab (written before labels were
    recorded) is a bare value, labelled :data:`UNLABELLED`.
    """
    file = Path(path)
    if not file.is_file():
        return []
    return _parse_records(file.read_text(encoding="utf-8"))


def _parse_records(text: str) -> list[RecordedSecret]:
    records = []
    for line in text.splitlines():
        if not line:
            continue
        label, tab, value = line.partition("\t")
        records.append(RecordedSecret(label, value) if tab else RecordedSecret(UNLABELLED, line))
    return records


def recorded_secrets(path: str | os.PathLike[str]) -> list[str]:
    """The values recorded in a secrets file (one per line), without their labels."""
    return [record.value for record in recorded_labelled_secrets(path)]


class RecordedRedactor:
    """Redacts, in text of another process, every value recorded in a secrets file so far.

    The site build passes each console line of Sphinx (and of the kernels it starts) through
    one of these.  Values are registered while the build runs, so the file is read again
    whenever its size or modification time changed (one ``stat`` per call); a last line
    without its newline (a write in progress) waits for the next read.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._stamp: tuple[int, int, int] | None = None
        self._items: list[tuple[str, str]] = []

    def _refresh(self) -> None:
        try:
            stat = os.stat(self._path)
        except OSError:
            self._stamp, self._items = None, []
            return
        stamp = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if stamp == self._stamp:
            return
        try:
            text = self._path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return
        if not text.endswith("\n"):  # a write in progress: the size will change again
            text = text[: text.rfind("\n") + 1]
            stamp = (stamp[0], len(text.encode("utf-8")), -1)
        self._stamp = stamp
        values = {r.value: r.label for r in _parse_records(text) if len(r.value) >= MIN_LENGTH}
        self._items = list(values.items())

    def __call__(self, text: str) -> str:
        self._refresh()
        return _replace(text, self._items)[0] if self._items else text


class RedactingStream:
    """A text stream wrapper that redacts registered secrets line by line.

    ``flush`` passes on an unfinished line except its end when that could be the start
    of a registered secret (:func:`open_prefix_length`): ``print(a, end="", flush=True)``
    then ``print(b)`` must not hand a secret ``a + b`` on in two halves.  :meth:`release`
    (at the end of each runbook cell, and at exit) passes on everything.
    """

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
            text = redact(self._pending)
            cut = len(text) - open_prefix_length(text)
            if cut:
                self._inner.write(text[:cut])
            self._pending = text[cut:]
        self._inner.flush()

    def release(self) -> None:
        """Pass on all pending text, also a possible start of a secret, and flush."""
        if self._pending:
            self._inner.write(redact(self._pending))
            self._pending = ""
        self._inner.flush()

    def __getattr__(self, name: str):  # delegate isatty, encoding, ...
        return getattr(self._inner, name)


def install_output_filter() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` so nothing printed can carry a secret."""
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)
        atexit.register(release_output)
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)


def release_output(*args: object) -> None:
    """:meth:`RedactingStream.release` ``sys.stdout`` and ``sys.stderr`` (an IPython event hook)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, RedactingStream):
            try:
                stream.release()
            except (OSError, ValueError):  # pragma: no cover - a stream closed at exit
                pass


def open_prefix_length(text: str) -> int:
    """Length of the longest end of ``text`` that is the start (not all) of a registered secret.

    Text sent before the rest of such a secret arrives could publish part of it; the
    kernel filter holds exactly this much back.
    """
    with _lock:
        values = list(_registry)
    if not values or not text:
        return 0
    longest = max(len(v) for v in values)
    firsts = {v[0] for v in values}
    for start in range(max(0, len(text) - longest + 1), len(text)):
        if text[start] not in firsts:
            continue
        tail = text[start:]
        if any(len(v) > len(tail) and v.startswith(tail) for v in values):
            return len(text) - start
    return 0


@dataclass
class _Held:
    socket: Any
    ident: Any
    parent: dict[str, Any]
    name: str
    text: str


class KernelOutputFilter:
    """Replaces a kernel ``Session.send``: no message the kernel sends carries a registered secret.

    Why this choke point.  ipykernel (7.x, ``ipykernel/iostream.py``) redirects the
    kernel's file descriptors 1 and 2 into a pipe (``OutStream._setup_stream_redirects``)
    and a thread, ``OutStream._watch_pipe_fd``, reads that pipe and calls
    ``self.write(bts.decode(...))`` on the ``OutStream`` object itself.  Output of
    ``os.write(1, ...)`` or of a subprocess that inherits the kernel's stdout therefore
    never passes through ``sys.stdout`` (where :class:`RedactingStream` sits).  All of it,
    like everything else the kernel publishes, leaves through the one ``Session`` object
    of the kernel: ``OutStream._flush`` calls ``self.session.send(self.pub_thread, msg)``;
    displays (``zmqshell.ZMQDisplayPublisher.publish``), results (``displayhook``), errors
    (``ZMQInteractiveShell._showtraceback``), status and ``execute_reply``
    (``kernelbase``) call ``session.send`` of the same object.  Replacing that bound
    method on the instance redacts the content of every message at the last step before
    it is serialised.

    A ``stream`` message is one flush of a buffer (every 0.2 s, ``OutStream.flush_interval``),
    so a secret can straddle two messages.  The end of a stream text that could be the start
    of a registered secret (:func:`open_prefix_length`) is held back and sent with the next
    text of the same stream and cell, or on its own just before that cell's
    ``status: idle``, which is when a notebook client stops collecting the cell's output.
    Only those few characters wait, not the whole line.  Held text is not released by
    other messages: stdout and stderr are flushed on separate timers, so releasing on an
    interleaved message would publish a secret in two halves.

    A stream message can only carry a registered secret when the text went below
    ``sys.stdout``: each such secret is recorded once per cell (:func:`record_leak`),
    with the page and the line of the cell (its code is known from the cell's
    ``execute_input`` message), so that the site build fails although nothing leaked.
    """

    CELLS_KEPT = 64  # codes of the last cells, to say where a leak was

    def __init__(self, session: Any) -> None:
        self._session = session
        self._send = session.send
        self._lock = threading.RLock()
        self._held: dict[tuple[str, Any], _Held] = {}
        self._cells: dict[Any, str] = {}  # execute_request msg_id -> the cell's code
        self._reported: set[tuple[str, Any]] = set()
        # the page's source file: given by the kernel's starter (JSV_PAGE), or found by setup_runbook
        self.page: str | None = settings.PAGE.raw() or None
        self.directory = os.getcwd()

    def note_cell(self, request_id: Any, code: str) -> None:
        """Remember the code of the cell that ``request_id`` executes."""
        with self._lock:
            self._cells[request_id] = code
            while len(self._cells) > self.CELLS_KEPT:
                self._cells.pop(next(iter(self._cells)))

    def __call__(
        self,
        stream: Any,
        msg_or_type: Any,
        content: Any = None,
        parent: Any = None,
        ident: Any = None,
        buffers: Any = None,
        track: bool = False,
        header: Any = None,
        metadata: Any = None,
    ) -> Any:
        if isinstance(msg_or_type, dict):
            msg = msg_or_type
        elif msg_or_type is None or isinstance(msg_or_type, str):
            msg = self._session.msg(
                msg_or_type, content=content, parent=parent, header=header, metadata=metadata
            )
        else:  # pragma: no cover - a jupyter_client Message object; ipykernel never sends one
            return self._send(stream, msg_or_type, content, parent, ident, buffers, track, header, metadata)
        with self._lock:
            msg_type = msg.get("header", {}).get("msg_type")
            if msg_type == "stream":
                return self._send_stream(stream, msg, ident, buffers, track)
            if msg_type == "execute_input":
                parent_id = (msg.get("parent_header") or {}).get("msg_id")
                self.note_cell(parent_id, str(msg.get("content", {}).get("code", "")))
            if msg_type == "status" and msg.get("content", {}).get("execution_state") == "idle":
                self._release((msg.get("parent_header") or {}).get("msg_id"))
            redacted = {**msg, "content": redact_tree(msg.get("content", {}))}
            return self._send(stream, redacted, ident=ident, buffers=buffers, track=track)

    def _send_stream(self, socket: Any, msg: dict[str, Any], ident: Any, buffers: Any, track: bool) -> Any:
        content = msg.get("content", {})
        name = content.get("name", "stdout")
        parent = msg.get("parent_header") or {}
        key = (name, parent.get("msg_id"))
        held = self._held.pop(key, None)
        text, labels = redact_labels((held.text if held else "") + content.get("text", ""))
        for label in sorted(labels):
            self._report(label, parent.get("msg_id"))
        cut = len(text) - open_prefix_length(text)
        if cut < len(text):
            self._held[key] = _Held(socket, ident, parent, name, text[cut:])
        if cut == 0:
            return msg
        sent = {**msg, "content": {**content, "text": text[:cut]}}
        return self._send(socket, sent, ident=ident, buffers=buffers, track=track)

    def _report(self, label: str, parent_id: Any) -> None:
        """Record, once per cell, that ``label``'s secret reached a stream below ``sys.stdout``."""
        if (label, parent_id) in self._reported:
            return
        self._reported.add((label, parent_id))
        code = self._cells.get(parent_id, "")
        try:
            page, line, cell = locate_cell(code, self.directory, self.page)
        except OSError:  # pragma: no cover - the page is still named by its directory
            page, line, cell = self.page, None, False
        leak = Leak(
            label,
            page,
            self.directory,
            line,
            cell,
            run_by=settings.RUN_BY.raw() or None,
            code=code_digest(code) if line is not None else None,
        )
        try:
            record_leak(leak)
        except OSError as error:  # pragma: no cover - the kernel's own stderr reaches the build log
            print(f"jsv: cannot record that a cell leaked secret «{label}»: {error}", file=sys.__stderr__)

    def _release(self, parent_id: Any) -> None:
        """Send the held text of the cell ``parent_id`` (and of output that has no cell)."""
        for key in [k for k in self._held if k[1] in (parent_id, None)]:
            held = self._held.pop(key)
            content = {"name": held.name, "text": held.text}
            msg = self._session.msg("stream", content=content, parent=held.parent)
            self._send(held.socket, msg, ident=held.ident)

    def flush(self) -> None:
        """Send whatever is held back now."""
        with self._lock:
            for parent_id in {key[1] for key in self._held}:
                self._release(parent_id)


def install_kernel_filter(session: Any) -> KernelOutputFilter:
    """Redact everything ``session`` (a kernel's ``jupyter_client.Session``) sends (idempotent)."""
    current = session.send
    if isinstance(current, KernelOutputFilter):
        return current
    installed = KernelOutputFilter(session)
    session.send = installed
    return installed
