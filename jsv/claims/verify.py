"""Run a claim's check on the hardened system and on its insecure twin.

A claim is ``verified`` only if the check passes on the hardened side **and**
fails on the negative control.  When the targets are not running systems but
artefacts evaluated by the real software (a pod manifest built by kubespawner,
a NetworkPolicy evaluated by rule) — targets whose ``evidence`` attribute is
``"static"`` — the same result is recorded as ``static``, never ``verified``.
Anything else raises :class:`ClaimFailed` after the result has been
displayed, so the page shows the evidence and the build stops.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jsv.claims.check import Check, Observation
from jsv.claims.expect import Expectation
from jsv.claims.model import Claim
from jsv.errors import ClaimFailed
from jsv.labels import run_id
from jsv.redaction import redact, redact_tree

TRANSCRIPT_LIMIT = 2400


@dataclass
class SideResult:
    """The check's outcome on one side (hardened or control)."""

    variant: str
    configuration: str
    observation: Observation
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        transcript = redact(self.observation.transcript)
        if len(transcript) > TRANSCRIPT_LIMIT:
            transcript = transcript[:TRANSCRIPT_LIMIT] + "\n… (truncated)"
        return {
            "environment": self.variant,
            "configuration": redact(self.configuration),
            "observed": redact(repr(self.observation.value)),
            "check_passed": self.passed,
            "transcript": transcript,
        }


@dataclass
class ClaimResult:
    """Everything the ledger and the page need to know about one claim run."""

    claim: Claim
    expected: str
    hardened: SideResult
    control: SideResult | None
    control_reason: str
    versions: dict[str, str]
    seconds: float
    weakness: Expectation | None = None
    evidence_kind: str = "live"
    skipped: str = ""
    executed_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def negative_control(self) -> str:
        if self.skipped:
            return "none"
        if self.control is None:
            return "not-applicable"
        if self.control.passed:
            return "passed-unexpectedly"
        return "failed-as-expected" if self.control_shows_weakness else "failed-for-another-reason"

    @property
    def control_shows_weakness(self) -> bool:
        if self.control is None or self.weakness is None:
            return True
        return self.weakness.holds_for(self.control.observation.value)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        ok_control = self.negative_control in {"not-applicable", "failed-as-expected"}
        if not (self.hardened.passed and ok_control):
            return "failed"
        return "static" if self.evidence_kind == "static" else "verified"

    def __repr__(self) -> str:
        return redact(
            f"<ClaimResult {self.claim.id}: {self.status}, negative control {self.negative_control}>"
        )

    def failure_reason(self) -> str:
        if not self.hardened.passed:
            return (
                f"{self.claim.id}: the check failed on the hardened side "
                f"({self.hardened.variant}): expected {self.expected}, "
                f"observed {redact(repr(self.hardened.observation.value))}"
            )
        if self.control is not None and self.control.passed:
            return (
                f"{self.claim.id}: the negative control ({self.control.variant}) passed "
                f"the check too, so the check proves nothing: observed "
                f"{redact(repr(self.control.observation.value))}"
            )
        if not self.control_shows_weakness:
            return (
                f"{self.claim.id}: the negative control ({self.control.variant}) failed, but not "
                f"by showing the weakness ({self.weakness.description}): observed "
                f"{redact(repr(self.control.observation.value))}"
            )
        return ""

    def record(self) -> dict[str, Any]:
        """The ledger entry (without ``page``, which the site adds), fully redacted."""
        claim = self.claim
        evidence = f"hardened ({self.hardened.variant}): {redact(repr(self.hardened.observation.value))}"
        if self.control is not None:
            evidence += f"; control ({self.control.variant}): {redact(repr(self.control.observation.value))}"
        return redact_tree(
            {
                "id": claim.id,
                "area": claim.area,
                "title": claim.title,
                "statement": claim.statement,
                "threat": claim.threat,
                "sources": list(claim.sources),
                "notes": claim.notes or self.skipped,
                "fix": {"code": claim.fix.code, "language": claim.fix.language, "where": claim.fix.where},
                "status": self.status,
                "expected": self.expected,
                "weakness": self.weakness.description if self.weakness else "",
                "hardened": self.hardened.as_dict(),
                "negative_control": self.negative_control,
                "negative_control_reason": self.control_reason,
                "control": self.control.as_dict() if self.control else None,
                "versions": self.versions,
                "evidence": evidence,
                "seconds": round(self.seconds, 2),
                "executed_at": self.executed_at,
                "run_id": run_id(),
            }
        )


def _side(check: Check, target: Any) -> SideResult:
    observation, passed = check.run(target)
    return SideResult(target.variant, target.describe(), observation, passed)


def verify(
    claim: Claim,
    check: Check,
    hardened: Any,
    control: Any = None,
    *,
    control_reason: str = "",
    show: bool = True,
) -> ClaimResult:
    """Run ``check`` on ``hardened`` and on ``control``; display; raise unless verified.

    ``control`` is the deliberately insecure configuration.  Omit it only
    when no negative control can exist, and say why in ``control_reason``.
    """
    if control is None and not control_reason.strip():
        raise ValueError(f"{claim.id}: give a negative control, or a reason why none can exist")
    started = time.monotonic()
    hardened_side = _side(check, hardened)
    control_side = _side(check, control) if control is not None else None
    result = ClaimResult(
        claim=claim,
        expected=check.expect.description,
        hardened=hardened_side,
        control=control_side,
        control_reason=control_reason,
        versions=hardened.versions(),
        seconds=time.monotonic() - started,
        weakness=check.weakness,
        evidence_kind=getattr(hardened, "evidence", "live"),
    )
    _publish(result, show)
    if result.status == "failed":
        raise ClaimFailed(result.failure_reason())
    return result


def skip(claim: Claim, reason: str, evidence: Check, target: Any, *, show: bool = True) -> ClaimResult:
    """Record ``claim`` as ``skipped`` because it cannot run here, with the observation that shows why.

    ``evidence`` observes the absence (a package that is not there, a capability
    the run lacks); its expectation must hold, so the reason is itself checked.
    """
    started = time.monotonic()
    side = _side(evidence, target)
    if not side.passed:
        raise ClaimFailed(
            f"{claim.id}: skipped because {reason}, but the evidence does not show it: "
            f"expected {evidence.expect.description}, observed {redact(repr(side.observation.value))}"
        )
    result = ClaimResult(
        claim=claim,
        expected=evidence.expect.description,
        hardened=side,
        control=None,
        control_reason=reason,
        versions=target.versions(),
        seconds=time.monotonic() - started,
        skipped=reason,
    )
    _publish(result, show)
    return result


def _publish(result: ClaimResult, show: bool) -> None:
    if show:
        from jsv.claims.display import show_result

        show_result(result)
