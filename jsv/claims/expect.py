"""A small fixed set of comparisons that judge an observed value.

Each comparison is a pure function of the observed value, so it is
table-tested on canned values without Docker (see ``tests/unit``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expectation:
    """What the hardened side must show; ``test(value)`` says whether it does."""

    description: str
    test: Callable[[Any], bool]

    def holds_for(self, value: Any) -> bool:
        try:
            return bool(self.test(value))
        except (TypeError, ValueError, KeyError, IndexError):
            return False  # nothing passes by default


def equals(expected: Any) -> Expectation:
    """The observed value equals ``expected`` exactly."""
    return Expectation(f"equals {expected!r}", lambda value: value == expected)


def one_of(*allowed: Any) -> Expectation:
    """The observed value is one of ``allowed``."""
    return Expectation(f"one of {list(allowed)!r}", lambda value: value in allowed)


def at_least(minimum: int) -> Expectation:
    """The observed number is ``minimum`` or more."""
    return Expectation(f"at least {minimum}", lambda value: value >= minimum)


def contains(needle: str) -> Expectation:
    """The observed text contains ``needle``."""
    return Expectation(f"contains {needle!r}", lambda value: needle in value)


def absent(needle: str, label: str | None = None) -> Expectation:
    """The observed text does not contain ``needle`` (``label`` names it, e.g. a secret)."""
    shown = label or repr(needle)
    return Expectation(
        f"does not contain {shown}", lambda value: isinstance(value, str) and needle not in value
    )


def matches(pattern: str) -> Expectation:
    """The observed text matches the regular expression ``pattern`` (search)."""
    regex = re.compile(pattern)
    return Expectation(f"matches /{pattern}/", lambda value: regex.search(value) is not None)


def mode_at_most(limit: int) -> Expectation:
    """A file mode (int) grants no permission bit outside ``limit`` (e.g. 0o600)."""
    return Expectation(
        f"mode at most {limit:04o}", lambda value: isinstance(value, int) and value & ~limit & 0o7777 == 0
    )


def all_of(**parts: Expectation) -> Expectation:
    """A dict observation where each key satisfies its expectation."""
    description = "; ".join(f"{key} {exp.description}" for key, exp in parts.items())
    return Expectation(
        description, lambda value: all(exp.holds_for(value[key]) for key, exp in parts.items())
    )
