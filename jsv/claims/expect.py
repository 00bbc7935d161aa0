"""A small fixed set of comparisons that judge an observed value.

Each comparison is a pure function of the observed value, so it is
table-tested on canned values without Docker (see ``tests/unit``).  In the
claim registry they are data: a mapping with one key, the comparison's name
(``{equals: 403}``, ``{all_of: {status: {equals: 200}}}``); :func:`from_data`
builds the comparison from it.
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


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively: the registry's data has no tuples."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def equals(expected: Any) -> Expectation:
    """The observed value equals ``expected`` exactly (a tuple equals the list of its items)."""
    plain = _plain(expected)
    return Expectation(f"equals {plain!r}", lambda value: _plain(value) == plain)


def one_of(*allowed: Any) -> Expectation:
    """The observed value is one of ``allowed``."""
    plain = [_plain(a) for a in allowed]
    return Expectation(f"one of {plain!r}", lambda value: _plain(value) in plain)


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


COMPARISONS = ("equals", "one_of", "at_least", "contains", "absent", "matches", "mode_at_most", "all_of")


def from_data(data: dict[str, Any]) -> Expectation:
    """The comparison a registry entry describes (validated by the registry's schema first)."""
    ((name, argument),) = data.items()
    if name == "all_of":
        return all_of(**{key: from_data(part) for key, part in argument.items()})
    if name == "one_of":
        return one_of(*argument)
    makers: dict[str, Callable[[Any], Expectation]] = {
        "equals": equals,
        "at_least": at_least,
        "contains": contains,
        "absent": absent,
        "matches": matches,
        "mode_at_most": mode_at_most,
    }
    return makers[name](argument)
