"""Run a registered claim's check on the hardened system and on its insecure twin.

``verify("SU-01", observe, hardened=..., control=...)`` looks the claim up in
the registry, observes both sides with ``observe`` and judges them with the
claim's ``expect`` and ``weakness``.  A claim is ``verified`` only if

* the check passes on the hardened side **and** fails on the negative control
  by showing the stated weakness;
* the hardened side was built from exactly the published fix
  (``Machine.with_fix``), or the registry says why it cannot be;
* the hardened side's software did not warn about its configuration (an
  option it ignores or deprecates: the fix would not do what the card says).

When the targets are not running systems but artefacts evaluated by the real
software (a pod manifest built by kubespawner, a NetworkPolicy evaluated by
rule) — targets whose ``evidence`` attribute is ``"static"`` — the same result
is recorded as ``static``, never ``verified``.  Anything else raises
:class:`ClaimFailed` after the record has been displayed, so the page shows the
evidence and the build stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jsv import settings
from jsv.claims.check import Check, Observation
from jsv.claims.display import show_record
from jsv.claims.model import Claim
from jsv.claims.record import ClaimRecord, FixRecord, SideRecord
from jsv.claims.registry import Registry, registry_here
from jsv.columns import DESCRIPTIONS, PINNED, current_column
from jsv.errors import ClaimFailed
from jsv.labels import run_id
from jsv.redaction import redact, redact_tree

TRANSCRIPT_LIMIT = 2400
RECORD_FAILURES_ENV = settings.RECORD_FAILURES.name
"""Set by the drift check's run (``nox -s latest``): a failed claim is recorded and the page goes on."""


def failures_recorded() -> bool:
    """Whether failed claims are recorded instead of stopping the page and the build (the drift run)."""
    return settings.RECORD_FAILURES.on()


@dataclass(frozen=True)
class SideResult:
    """The check's outcome on one side (hardened or control)."""

    variant: str
    configuration: str
    observation: Observation
    passed: bool

    def record(self, embargo: str = "") -> SideRecord:
        if embargo:
            return SideRecord(
                environment=self.variant,
                configuration=redact(self.configuration),
                observed=redact(repr(self.observation.value)),
                check_passed=self.passed,
                transcript=f"(transcript withheld until {embargo}: SECURITY.md, upstream vulnerabilities)",
            )
        transcript = redact(self.observation.transcript)
        if len(transcript) > TRANSCRIPT_LIMIT:
            transcript = transcript[:TRANSCRIPT_LIMIT] + "\n… (truncated)"
        return SideRecord(
            environment=self.variant,
            configuration=redact(self.configuration),
            observed=redact(repr(self.observation.value)),
            check_passed=self.passed,
            transcript=transcript,
        )


@dataclass
class ClaimResult:
    """Everything known about one claim run, before it is redacted into a :class:`ClaimRecord`."""

    claim: Claim
    hardened: SideResult
    control: SideResult | None
    versions: dict[str, str]
    seconds: float
    fix_applied: bool
    config_warnings: list[str] = field(default_factory=list)
    evidence_kind: str = "live"
    skipped: str = ""
    control_not_run: str = ""  # why the control was not run although the claim has one
    executed_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    column: str = field(default_factory=current_column)
    """The matrix column (:mod:`jsv.columns`): ``pinned``, or the distribution whose packages ran."""

    @property
    def pin_left_to_column(self) -> bool:
        """An upgrade pin (a ``pip`` fix) not applied because this column runs its distribution's release."""
        return self.column != PINNED and self.claim.fix.component == "pip" and not self.fix_applied

    @property
    def expected(self) -> str:
        return self.claim.expect.description

    @property
    def control_reason(self) -> str:
        return self.skipped or self.control_not_run or self.claim.no_control

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
        if self.control is None or self.claim.weakness is None:
            return True
        return self.claim.weakness.holds_for(self.control.observation.value)

    @property
    def fix_problem(self) -> str:
        fix = self.claim.fix
        if self.skipped or (fix.not_applied and not self.fix_applied) or self.pin_left_to_column:
            return ""
        if fix.not_applied:
            return (
                f"{self.claim.id}: the hardened side ({self.hardened.variant}) applied the fix, but the "
                f"registry says it is not applied ({fix.not_applied}): remove fix.not_applied"
            )
        if not self.fix_applied:
            return (
                f"{self.claim.id}: the hardened side ({self.hardened.variant}) was not built from the "
                f"published fix: start it with .with_fix({self.claim.id!r}), or give fix.not_applied "
                f"in {self.claim.registry_file}"
            )
        return ""

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        ok_control = self.negative_control in {"not-applicable", "failed-as-expected"}
        if not (self.hardened.passed and ok_control) or self.config_warnings or self.fix_problem:
            return "failed"
        return "static" if self.evidence_kind == "static" else "verified"

    def __repr__(self) -> str:
        return redact(
            f"<ClaimResult {self.claim.id}: {self.status}, negative control {self.negative_control}>"
        )

    def _ipython_display_(self) -> None:
        """Show nothing in the cell: the card, rendered from the record, is the claim's one appearance."""

    def failure_reason(self) -> str:
        claim_id = self.claim.id
        if self.config_warnings:
            return (
                f"{claim_id}: the hardened side ({self.hardened.variant}) warns about its configuration, "
                f"so the fix does not do what the card says: {self.config_warnings[0]}"
            )
        if self.fix_problem:
            return self.fix_problem
        if not self.hardened.passed:
            return (
                f"{claim_id}: the check failed on the hardened side "
                f"({self.hardened.variant}): expected {self.expected}, "
                f"observed {redact(repr(self.hardened.observation.value))}"
            )
        if self.control is not None and self.control.passed:
            return (
                f"{claim_id}: the negative control ({self.control.variant}) passed "
                f"the check too, so the check proves nothing: observed "
                f"{redact(repr(self.control.observation.value))}"
            )
        if self.control is not None and not self.control_shows_weakness:
            weakness = self.claim.weakness.description if self.claim.weakness else ""
            return (
                f"{claim_id}: the negative control ({self.control.variant}) failed, but not "
                f"by showing the weakness ({weakness}): observed "
                f"{redact(repr(self.control.observation.value))}"
            )
        return ""

    def record(self) -> ClaimRecord:
        """The ledger entry (without ``page``, which the site adds), fully redacted."""
        claim, fix = self.claim, self.claim.fix
        evidence = f"hardened ({self.hardened.variant}): {redact(repr(self.hardened.observation.value))}"
        if self.control is not None:
            evidence += f"; control ({self.control.variant}): {redact(repr(self.control.observation.value))}"
        if self.status == "failed":
            evidence = self.failure_reason()
        reason = (
            ""
            if self.fix_applied
            else (
                f"this column runs {DESCRIPTIONS[self.column]}, not the pin: observed on that release"
                if self.pin_left_to_column
                else fix.not_applied or ("skipped: " + self.skipped if self.skipped else "")
            )
        )
        record = ClaimRecord(
            id=claim.id,
            area=claim.area,
            title=claim.title,
            statement=claim.statement,
            threat=claim.threat,
            severity=claim.severity,
            sources=list(claim.sources),
            notes=redact(claim.notes or self.skipped),
            fix=FixRecord(
                component=fix.component,
                file=fix.file,
                place=fix.place,
                language=fix.language,
                code=redact(fix.code),
                user=fix.user,
                applied=self.fix_applied,
                reason=reason,
            ),
            status=self.status,
            expected=self.expected,
            weakness=claim.weakness.description if claim.weakness else "",
            hardened=self.hardened.record(claim.embargo),
            negative_control=self.negative_control,
            negative_control_reason=self.control_reason,
            control=self.control.record(claim.embargo) if self.control else None,
            versions=redact_tree(self.versions),
            evidence=redact(evidence),
            seconds=round(self.seconds, 2),
            executed_at=self.executed_at,
            run_id=run_id(),
            advisory=claim.advisory,
            config_warnings=list(self.config_warnings),
            column=self.column,
            cwe=list(claim.cwe),
            asvs=list(claim.asvs),
        )
        return ClaimRecord.from_json(redact_tree(record.to_json()))  # every string, keys included


def _side(observe: Callable[[Any], Observation], claim: Claim, target: Any) -> SideResult:
    observation, passed = Check(observe, claim.expect, claim.weakness).run(target)
    return SideResult(target.variant, target.describe(), observation, passed)


def fix_applied_to(target: Any, claim: Claim) -> bool:
    """Whether ``target`` was built from exactly ``claim``'s published fix."""
    applied = getattr(target, "applied_fixes", None)
    if applied is None and hasattr(target, "machine"):
        applied = getattr(target.machine, "applied_fixes", None)
    return applied is not None and applied.get(claim.id) == claim.fix.code


def config_warnings_of(target: Any) -> list[str]:
    """The configuration warnings the target's software logged (empty when it has no such log)."""
    source = target if hasattr(target, "config_warnings") else getattr(target, "machine", None)
    return list(source.config_warnings()) if source is not None and hasattr(source, "config_warnings") else []


def verify(
    claim_id: str,
    observe: Callable[[Any], Observation],
    hardened: Any,
    control: Any = None,
    *,
    registry: Registry | None = None,
    show: bool = True,
) -> ClaimResult:
    """Run claim ``claim_id`` of the registry on ``hardened`` and ``control``; display; raise unless it holds.

    ``control`` is the deliberately insecure configuration.  Omit it only when
    the registry gives ``no_control`` (why no insecure twin can exist).
    """
    claim = (registry or registry_here()).claim(claim_id)
    if control is None and not claim.no_control:
        raise ClaimFailed(
            f"{claim_id}: give a negative control, or no_control (why none can exist) in the registry"
        )
    if control is not None and claim.no_control:
        raise ClaimFailed(f"{claim_id}: a control was given, but the registry says none exists (no_control)")
    started = time.monotonic()
    hardened_side = _side(observe, claim, hardened)
    control_side = _side(observe, claim, control) if control is not None else None
    result = ClaimResult(
        claim=claim,
        hardened=hardened_side,
        control=control_side,
        versions=hardened.versions(),
        seconds=time.monotonic() - started,
        fix_applied=fix_applied_to(hardened, claim),
        config_warnings=config_warnings_of(hardened),
        evidence_kind=getattr(hardened, "evidence", "live"),
    )
    if show:
        show_record(result.record())
    if result.status == "failed" and not failures_recorded():
        raise ClaimFailed(result.failure_reason())
    return result


def skip(
    claim_id: str,
    reason: str,
    observe: Callable[[Any], Observation],
    target: Any,
    *,
    registry: Registry | None = None,
    show: bool = True,
) -> ClaimResult:
    """Record ``claim_id`` as ``skipped`` because it cannot run here, with the observation that shows why.

    ``observe`` looks at the absence (a package that is not there, a capability
    the run lacks); the claim's ``expect`` must hold for it, so the reason is itself checked.
    """
    claim = (registry or registry_here()).claim(claim_id)
    started = time.monotonic()
    side = _side(observe, claim, target)
    if not side.passed:
        raise ClaimFailed(
            f"{claim_id}: skipped because {reason}, but the evidence does not show it: "
            f"expected {claim.expect.description}, observed {redact(repr(side.observation.value))}"
        )
    result = ClaimResult(
        claim=claim,
        hardened=side,
        control=None,
        versions=target.versions(),
        seconds=time.monotonic() - started,
        fix_applied=False,
        skipped=reason,
    )
    if show:
        show_record(result.record())
    return result


def start_hardened(lab: Any, environment: Any, claim_id: str, *, registry: Registry | None = None) -> Any:
    """``lab.start(environment)``, the hardened side of ``claim_id`` built from its fix.

    Where failures are recorded (a matrix column, the drift run) and the environment does not
    start, the fix is what the release cannot run: the claim is recorded as failed, with the
    start's error as what was observed, before the error stops the page as anywhere else.
    """
    started = time.monotonic()
    try:
        return lab.start(environment)
    except Exception as error:
        if failures_recorded():
            claim = (registry or registry_here()).claim(claim_id)
            first_line = (str(error).splitlines() or [type(error).__name__])[0]
            side = SideResult(
                environment.variant,
                environment.describe(),
                Observation(f"did not start ({type(error).__name__})", first_line),
                passed=False,
            )
            result = ClaimResult(
                claim,
                side,
                None,
                versions={},
                seconds=time.monotonic() - started,
                fix_applied=fix_applied_to(environment, claim),
                control_not_run="not run: the hardened side did not start with the fix",
            )
            show_record(result.record())
        raise


def recheck(
    claim_id: str,
    observe: Callable[[Any], Observation],
    target: Any,
    *,
    registry: Registry | None = None,
) -> SideResult:
    """Judge ``target`` by the claim's ``expect`` alone; raise :class:`ClaimFailed` unless it holds.

    For the checklist runs: one environment built from a deployment's assembled
    configuration, re-checked against claims already verified (with their
    controls) on their own pages.  Nothing is added to the ledger.
    """
    claim = (registry or registry_here()).claim(claim_id)
    side = _side(observe, claim, target)
    if not side.passed:
        raise ClaimFailed(
            f"{claim_id} does not hold on the assembled configuration ({target.variant}): expected "
            f"{claim.expect.description}, observed {redact(repr(side.observation.value))}"
        )
    return side
