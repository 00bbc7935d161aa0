"""What a runbook's first cell imports: safe output, cleanup, and a cell watchdog.

``setup_runbook()`` is called once per page.  It

* redacts registered secrets (:mod:`jsv.redaction`) in everything a cell
  publishes: stdout/stderr, rich displays and results, and tracebacks, and in
  every message the kernel sends, which also covers output written to file
  descriptors 1 and 2 directly (``os.write``, subprocesses); a secret found
  there is also recorded as a leak of the page, which fails the site build;
* makes sure every container and network of the page is removed when the
  kernel exits, fails or is terminated (:mod:`jsv.environments.resources`);
* arms a per-cell watchdog (SIGALRM): a cell that runs longer than
  ``JSV_CELL_TIMEOUT`` seconds (default 300) fails with a one-line
  :class:`RunbookTimeout` naming the page's live containers and their last
  log lines; the kernel's exit handlers then remove them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

from jsv import settings
from jsv.environments import resources
from jsv.environments.machine import Machine
from jsv.errors import RunbookTimeout
from jsv.leaks import locate_cell, record_executed
from jsv.redaction import (
    KernelOutputFilter,
    install_kernel_filter,
    install_output_filter,
    redact,
    redact_tree,
    release_output,
)

CELL_TIMEOUT_ENV = settings.CELL_TIMEOUT.name


class _Watchdog:
    """SIGALRM-based: the alarm interrupts even a blocking socket read in the main thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def arm(self, *args: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def disarm(self, *args: object) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)

    def fire(self, signum: int, frame: object) -> None:
        raise RunbookTimeout(self.message())

    def message(self) -> str:
        machines = [r for r in resources.alive() if isinstance(r, Machine)]
        detail = (
            "; ".join(f"container {m.name} ({m.variant}) last log lines: {m.log_tail(3)}" for m in machines)
            or "no containers running"
        )
        return redact(f"cell exceeded {self.seconds:.0f}s ({CELL_TIMEOUT_ENV}): {detail}")


def _redact_displays_and_tracebacks(shell: Any) -> None:
    """Every rich display and every error a cell publishes passes through :func:`redact_tree`."""
    formatter = shell.display_formatter
    original_format = formatter.format

    def format_redacted(obj: Any, *args: Any, **kwargs: Any) -> Any:
        data, metadata = original_format(obj, *args, **kwargs)
        return redact_tree(data), metadata

    formatter.format = format_redacted
    original_showtraceback = shell._showtraceback

    def showtraceback_redacted(etype: Any, evalue: Any, stb: list[str]) -> Any:
        return original_showtraceback(etype, redact(str(evalue)), redact_tree(stb))

    shell._showtraceback = showtraceback_redacted


def _redact_kernel_messages(shell: Any) -> list[KernelOutputFilter]:
    """Install :class:`jsv.redaction.KernelOutputFilter` on the kernel's session.

    The kernel, its display publisher, its display hook and its ``OutStream`` objects
    share one ``Session`` in ipykernel; each distinct one found is filtered all the same.
    """
    candidates = [
        getattr(getattr(shell, "kernel", None), "session", None),
        getattr(getattr(shell, "display_pub", None), "session", None),
        getattr(getattr(shell, "displayhook", None), "session", None),
    ]
    for stream in (sys.stdout, sys.stderr):
        inner = getattr(stream, "_inner", stream)  # below a RedactingStream
        candidates.append(getattr(inner, "session", None))
    seen: set[int] = set()
    filters = []
    for session in candidates:
        if session is not None and hasattr(session, "send") and id(session) not in seen:
            seen.add(id(session))
            filters.append(install_kernel_filter(session))
    return filters


def _note_page(shell: Any, filters: list[KernelOutputFilter]) -> None:
    """Tell the filters which page runs (the one holding the code of the cell running now).

    The first time in a kernel this is also recorded in the leaks file: leaks the page
    had in an earlier build no longer count, it is being executed again.
    """
    if getattr(shell, "_jsv_page_noted", False):
        return
    shell._jsv_page_noted = True
    kernel = getattr(shell, "kernel", None)
    try:
        request = kernel.get_parent("shell") if kernel is not None else {}
    except Exception:  # pragma: no cover - an ipykernel without get_parent
        request = {}
    request = request or {}
    code = str((request.get("content") or {}).get("code", ""))
    directory = os.getcwd()
    page, _line, _cell = locate_cell(code, directory)
    for installed in filters:
        installed.page = page or installed.page
        installed.note_cell((request.get("header") or {}).get("msg_id"), code)
    record_executed(page, directory)


def extend_cell_limit(seconds: float) -> None:
    """Give the running cell ``seconds`` from now instead of ``JSV_CELL_TIMEOUT``.

    For a cell that runs a whole page (the matrix pages, :mod:`jsv.matrix`), whose
    own cells keep their limits inside it; a no-op outside a runbook's kernel.
    """
    if threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0]:
        signal.setitimer(signal.ITIMER_REAL, seconds)


def setup_runbook() -> None:
    """Prepare the kernel for a runbook page (idempotent)."""
    install_output_filter()
    resources._install_handlers()
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    _note_page(shell, _redact_kernel_messages(shell))
    if getattr(shell, "_jsv_watchdog", None):
        return
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        return
    _redact_displays_and_tracebacks(shell)
    watchdog = _Watchdog(float(settings.CELL_TIMEOUT.raw()))
    shell._jsv_watchdog = watchdog
    signal.signal(signal.SIGALRM, watchdog.fire)
    shell.events.register("pre_run_cell", watchdog.arm)
    shell.events.register("post_run_cell", watchdog.disarm)
    shell.events.register("post_run_cell", release_output)  # a cell's last unfinished line
