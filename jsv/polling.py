"""Waiting for something observable: poll a probe until its result meets a condition.

The one wait strategy of the package for states that no event announces (a job
leaving the queue, a ban appearing in fail2ban, a culled server).  Callers get
the last observed value either way, so a check can still report what it saw
when the condition never held.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Polled(Generic[T]):
    """The last value a probe returned, whether it met the condition, and after how long."""

    value: T
    met: bool
    seconds: float


def poll_until(
    probe: Callable[[], T],
    condition: Callable[[T], bool],
    *,
    timeout: float,
    interval: float = 1.0,
) -> Polled[T]:
    """Call ``probe`` every ``interval`` seconds until ``condition(value)`` or ``timeout``."""
    started = time.monotonic()
    while True:
        value = probe()
        elapsed = time.monotonic() - started
        if condition(value):
            return Polled(value, True, elapsed)
        if elapsed + interval > timeout:
            return Polled(value, False, elapsed)
        time.sleep(interval)
