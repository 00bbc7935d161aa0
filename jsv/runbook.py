"""What a runbook's first cell imports: safe output, cleanup, and a cell watchdog.

``setup_runbook()`` is called once per page.  It

* redacts registered secrets (:mod:`jsv.redaction`) in everything a cell
  publishes: stdout/stderr, rich displays and results, and tracebacks;
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
import threading
from typing import Any

from jsv.environments import resources
from jsv.environments.machine import Machine
from jsv.errors import RunbookTimeout
from jsv.redaction import install_output_filter, redact, redact_tree

CELL_TIMEOUT_ENV = "JSV_CELL_TIMEOUT"


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


def setup_runbook() -> None:
    """Prepare the kernel for a runbook page (idempotent)."""
    install_output_filter()
    resources._install_handlers()
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "_jsv_watchdog", None):
        return
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        return
    _redact_displays_and_tracebacks(shell)
    watchdog = _Watchdog(float(os.environ.get(CELL_TIMEOUT_ENV, "300")))
    shell._jsv_watchdog = watchdog
    signal.signal(signal.SIGALRM, watchdog.fire)
    shell.events.register("pre_run_cell", watchdog.arm)
    shell.events.register("post_run_cell", watchdog.disarm)
