"""Claims: the registry (data), comparisons (expect), checks, verification and the typed record."""

from jsv.claims.check import Check, Observation
from jsv.claims.expect import Expectation
from jsv.claims.model import AREAS, Claim, Fix
from jsv.claims.record import ClaimRecord
from jsv.claims.registry import Registry, RegistryError, load_registry
from jsv.claims.verify import ClaimResult, recheck, skip, start_hardened, verify

__all__ = [
    "AREAS",
    "Check",
    "Claim",
    "ClaimRecord",
    "ClaimResult",
    "Expectation",
    "Fix",
    "Observation",
    "Registry",
    "RegistryError",
    "load_registry",
    "recheck",
    "skip",
    "start_hardened",
    "verify",
]
