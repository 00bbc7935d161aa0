"""The one place a Jupyter kernel is started: :func:`execute_notebook`.

The site's worker pool (:mod:`jsv.execution.worker`), ``python -m jsv page`` and the
matrix pages' nested runs (:mod:`jsv.page_runner`, :mod:`jsv.matrix`) all execute a
page here; ``tests/unit/test_kernel_start.py`` fails if another module of ``jsv``
starts a kernel.  A kernel started here

* runs ``setup_runbook()`` before the page's first cell (``IPKernelApp.exec_lines``):
  the redaction of everything it publishes, at the file-descriptor level too, and
  the recording of a leak with its page and cell (:mod:`jsv.redaction`,
  :mod:`jsv.leaks`), whatever the page's own first cell does;
* knows its page (``JSV_PAGE``) and, when a page's cell started it, that page
  (``JSV_RUN_BY``): a leak names the cell that wrote it and the page that ran it;
* writes its own stdout and stderr into a pipe of this process, not into this
  process's.  ipykernel copies every byte a cell writes to file descriptors 1 and 2
  there (``OutStream._watch_pipe_fd``); a matrix page's kernel used to publish that
  copy of its nested page's output as its own cell output, unredacted, since the
  secrets were registered in the nested kernel (issue 38).  Each line read from the
  pipe is redacted (this process's registry and the secrets file) and goes to this
  process's console, below ipykernel's capture when this process is a kernel itself.

Without ``JSV_SECRETS_FILE``/``JSV_LEAKS_FILE`` (``python -m jsv page``) the kernel gets
private ones for the run, so that the lines above are redacted and its leaks reported.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from jsv import settings
from jsv.execution.output_secrets import OutputSecret, secrets_in_outputs
from jsv.leaks import LEAKS_FILE_ENV, PAGE_ENV, RUN_BY_ENV, Leak, leaks_since
from jsv.redaction import (
    SECRETS_FILE_ENV,
    KernelOutputFilter,
    RecordedRedactor,
    recorded_labelled_secrets,
    redact,
)

BOOT_LINE = "__import__('jsv.runbook', fromlist=['setup_runbook']).setup_runbook()"
"""Run by the kernel before the page (binds no name in the page's namespace)."""
READER_GRACE = 5.0  # seconds to wait for the pipe's last lines after the kernel stopped


@dataclass(frozen=True)
class Executed:
    """What :func:`execute_notebook` ran: the notebook (outputs in place) and what went wrong.

    ``error`` is the one-line error of the cell that stopped the page ("" when every cell
    ran); ``leaks`` the secrets a cell wrote below ``sys.stdout`` during this run (redacted,
    recorded); ``published`` the registered secrets still in an output of the notebook.
    """

    notebook: nbformat.NotebookNode
    seconds: float
    error: str = ""
    traceback: str = ""
    leaks: tuple[Leak, ...] = field(default_factory=tuple)
    published: tuple[OutputSecret, ...] = field(default_factory=tuple)

    def problem_lines(self, source: str | os.PathLike[str] | None = None) -> list[str]:
        """One line per leak and per published secret (labels and cells, never a value)."""
        return [leak.error_line(source) for leak in self.leaks] + [
            found.error_line(source) for found in self.published
        ]


def current_page() -> str | None:
    """The page this process runs as a kernel (its ``JSV_PAGE``, or its output filter's), or None."""
    if settings.PAGE.raw():
        return settings.PAGE.raw()
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return None
    shell = get_ipython()
    send = getattr(getattr(getattr(shell, "kernel", None), "session", None), "send", None)
    return send.page if isinstance(send, KernelOutputFilter) else None


def kernel_env(page: Path, files: dict[str, str]) -> dict[str, str]:
    """The environment of the kernel that runs ``page``: this one, with its page and runner."""
    env = {**os.environ, **files, PAGE_ENV: str(page.resolve())}
    runner = current_page()
    env.pop(RUN_BY_ENV, None)
    if runner and Path(runner).resolve() != page.resolve():
        env[RUN_BY_ENV] = str(Path(runner).resolve())
    return env


def console_fd() -> int:
    """This process's console: below ipykernel's capture of fd 1 when this process is a kernel."""
    try:
        return sys.stdout.fileno()  # ipykernel's OutStream answers with its copy of the original fd 1
    except (AttributeError, OSError, ValueError):
        return 1


class _Forwarder:
    """Reads the kernel's stdout/stderr pipe; hands on each line redacted."""

    def __init__(self, secrets_file: str, write: Callable[[str], None]) -> None:
        self._recorded = RecordedRedactor(secrets_file)
        self._write = write
        self.read_fd, self.write_fd = os.pipe()
        self._thread = threading.Thread(target=self._run, name="jsv-kernel-output", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pending = b""
        with os.fdopen(self.read_fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self._hand_on(line + b"\n")
        if pending:
            self._hand_on(pending + b"\n")

    def _hand_on(self, raw: bytes) -> None:
        try:
            self._write(redact(self._recorded(raw.decode("utf-8", errors="replace"))))
        except OSError:  # pragma: no cover - the console went away; the kernel must not block
            pass

    def close(self) -> None:
        """Stop writing; wait a little for the last lines (a grandchild may keep the pipe open)."""
        os.close(self.write_fd)
        self._thread.join(READER_GRACE)


def _to_console(text: str) -> None:
    os.write(console_fd(), text.encode("utf-8"))


@contextmanager
def _private_files() -> Iterator[dict[str, str]]:
    """Secrets and leaks files for a run outside a site build (mode 0600 in a 0700 directory)."""
    missing = [name for name in (SECRETS_FILE_ENV, LEAKS_FILE_ENV) if not os.environ.get(name)]
    if not missing:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="jsv-kernel-") as private:
        yield {name: str(Path(private) / f"{name.lower()}.txt") for name in missing}


def _offset(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def execute_notebook(
    notebook: nbformat.NotebookNode,
    page: Path,
    timeout: int,
    cwd: Path | None = None,
    write: Callable[[str], None] = _to_console,
    record_timing: bool = False,
) -> Executed:
    """Execute ``notebook`` (the page ``page``) in a new kernel in ``cwd`` (default: the page's folder).

    ``notebook.metadata.execution`` may override ``timeout`` and ``allow_errors`` (as
    jupyter-cache lets it).  A cell error or timeout stops the page and is returned as
    ``error``; anything else (the kernel died) is raised.  ``write`` gets the kernel's
    own console lines, redacted.
    """
    import nbclient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    settings = notebook.metadata.get("execution", {})
    timeout = settings.get("timeout", timeout)
    allow_errors = bool(settings.get("allow_errors", False))
    error = trace = ""
    started = time.monotonic()
    with _private_files() as files:
        env = kernel_env(page, files)
        leaks_file = env[LEAKS_FILE_ENV]
        leaks_from = _offset(leaks_file)
        client = nbclient.NotebookClient(
            notebook,
            timeout=timeout,
            allow_errors=allow_errors,
            record_timing=record_timing,
            resources={"metadata": {"path": str(cwd or page.parent)}},
            extra_arguments=[f"--IPKernelApp.exec_lines={[BOOT_LINE]!r}"],
        )
        if not notebook.metadata.get("kernelspec", {}).get("name"):
            client.kernel_name = "python3"
        forwarder = _Forwarder(env[SECRETS_FILE_ENV], write)
        try:
            client.execute(env=env, stdout=forwarder.write_fd, stderr=forwarder.write_fd)
        except (CellExecutionError, CellTimeoutError) as failure:
            error = one_line_error(failure)
            trace = str(failure)
        finally:
            forwarder.close()
        secrets = recorded_labelled_secrets(env[SECRETS_FILE_ENV])
        leaks = tuple(leaks_since(leaks_file, leaks_from))
    published = tuple(secrets_in_outputs(notebook, secrets, page))
    return Executed(notebook, time.monotonic() - started, error, trace, leaks, published)


def one_line_error(error: BaseException) -> str:
    """``ename: evalue`` of a cell error, first line only."""
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None)
    text = f"{name}: {value}" if value is not None else f"{name}: {error}"
    return text.strip().splitlines()[0] if text.strip() else name
