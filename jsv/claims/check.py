"""A check = a probe that observes a target + an expectation that judges it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from jsv.claims.expect import Expectation


class Target(Protocol):
    """What a check runs against: a started environment (see :mod:`jsv.environments`)."""

    variant: str
    """Short name of the configuration, e.g. ``hardened`` or ``open_server``."""

    def describe(self) -> str:
        """The configuration in a reader's terms (config lines, flags)."""

    def versions(self) -> dict[str, str]:
        """Component versions read from the running system."""


@dataclass(frozen=True)
class Observation:
    """What a probe saw: ``value`` is judged, ``transcript`` is what a reader would see."""

    value: Any
    transcript: str


@dataclass(frozen=True)
class Check:
    """Observe a target with ``observe`` and judge the observation with ``expect``.

    ``weakness`` states what the insecure twin must show: a control that fails
    the check for some other reason (a typo, a crashed server) then fails the
    claim instead of counting as proof.
    """

    observe: Callable[[Any], Observation]
    expect: Expectation
    weakness: Expectation | None = None

    def run(self, target: Any) -> tuple[Observation, bool]:
        observation = self.observe(target)
        return observation, self.expect.holds_for(observation.value)
