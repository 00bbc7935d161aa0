"""What the extension keeps on Sphinx's application or build environment between events, typed.

Sphinx's ``Sphinx`` and ``BuildEnvironment`` take any attribute, and the environment's are pickled with it
(so a warm build still has them).  :func:`kept` names one such attribute and the type it holds, in one
place per attribute, so the type checker knows what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")


def kept(owner: object, name: str, make: Callable[[], T]) -> T:
    """``owner.<name>``, made with ``make()`` and stored there the first time it is asked for."""
    if not hasattr(owner, name):
        setattr(owner, name, make())
    return cast(T, getattr(owner, name))


def keep(owner: object, name: str, value: T) -> T:
    """Store ``value`` as ``owner.<name>`` (replacing what was there) and return it."""
    setattr(owner, name, value)
    return value
