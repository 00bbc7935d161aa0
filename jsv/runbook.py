"""What a runbook's first cell imports: safe output, cleanup, and a cell watchdog.

``setup_runbook()`` is called once per page.  It

* wraps stdout/stderr so registered secrets are redacted (:mod:`jsv.redaction`);
* makes sure every container and network of the page is removed when the
  kernel exits, fails or is terminated (:mod:`jsv.environments.resources`);
* arms a per-cell watchdog: a cell that runs longer than ``JSV_CELL_TIMEOUT``
  seconds (default 300) is interrupted with a one-line :class:`RunbookTimeout`
  naming the page's live containers and their last log lines.
"""

from __future__ import annotations

import _thread
import os
import threading

from jsv.environments import resources
from jsv.environments.machine import Machine
from jsv.errors import RunbookTimeout
from jsv.redaction import install_output_filter, redact

CELL_TIMEOUT_ENV = "JSV_CELL_TIMEOUT"


class _Watchdog:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._timer: threading.Timer | None = None
        self.fired = False

    def arm(self, *args: object) -> None:
        self.disarm()
        self.fired = False
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def disarm(self, *args: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self.fired = True
        _thread.interrupt_main()

    def message(self) -> str:
        machines = [r for r in resources.alive() if isinstance(r, Machine)]
        detail = "; ".join(f"container {m.name} ({m.variant}) last log lines: {m.log_tail(3)}"
                           for m in machines) or "no containers running"
        return redact(f"cell exceeded {self.seconds:.0f}s ({CELL_TIMEOUT_ENV}): {detail}")


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
    watchdog = _Watchdog(float(os.environ.get(CELL_TIMEOUT_ENV, "300")))
    shell._jsv_watchdog = watchdog
    shell.events.register("pre_run_cell", watchdog.arm)
    shell.events.register("post_run_cell", watchdog.disarm)

    def on_interrupt(shell, etype, value, tb, tb_offset=None):
        if watchdog.fired:
            error = RunbookTimeout(watchdog.message())
            resources.cleanup_all()
            shell.showtraceback((RunbookTimeout, error, None), tb_offset=0)
            return None
        return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)

    shell.set_custom_exc((KeyboardInterrupt,), on_interrupt)
