"""Claims: the fixed shape (model), comparisons (expect), checks, and verification."""

from jsv.claims.check import Check, Observation
from jsv.claims.expect import (
    Expectation,
    absent,
    all_of,
    at_least,
    contains,
    equals,
    matches,
    mode_at_most,
    one_of,
)
from jsv.claims.model import AREAS, Claim, Fix
from jsv.claims.verify import ClaimResult, skip, verify

__all__ = [
    "AREAS",
    "Check",
    "Claim",
    "ClaimResult",
    "Expectation",
    "Fix",
    "Observation",
    "absent",
    "all_of",
    "at_least",
    "contains",
    "equals",
    "matches",
    "mode_at_most",
    "one_of",
    "skip",
    "verify",
]
