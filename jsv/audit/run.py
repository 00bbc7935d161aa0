"""Run the audit's checks against a target and judge each with the claim's registry expectation."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from jsv.audit.anonymous import ANONYMOUS_CHECKS, OPEN_TARGET_CHECKS
from jsv.audit.catalogue import AuditedClaim, audited_claims
from jsv.audit.checks import AuditCheck, checks_for
from jsv.audit.client import LocalClient
from jsv.audit.target import Target
from jsv.errors import NotInPosition
from jsv.redaction import redact

if TYPE_CHECKING:
    from jsv.audit.waivers import Waiver

VERDICTS = ("pass", "fail", "waived", "not-applicable", "error")


@dataclass(frozen=True)
class Finding:
    claim: AuditedClaim
    verdict: str
    observed: str
    """The observed value (redacted), or why the check did not run."""
    transcript: str
    seconds: float
    anonymous: bool = False
    """Run as an anonymous client: no token was given (issue 35, item 6)."""
    waiver: Waiver | None = None
    """The waiver that turned this failure into ``waived``."""


FRONT_WORDS = {"none": "a hub that serves its own TLS (no front end)", "nginx": "a hub behind nginx"}


def _not_applicable(check: AuditCheck, target: Target, allow_writes: bool) -> str:
    if check.front and check.front != target.front:
        return f"written for {FRONT_WORDS[check.front]}; this target is {FRONT_WORDS[target.front]} (--front)"
    if check.writes and not allow_writes:
        return f"writes ({check.writes}): run with --allow-writes"
    if check.needs_token and not target.endpoint.token:
        if check.claim_id in ANONYMOUS_CHECKS:
            return ""  # decided without credentials: run as an anonymous client
        if target.credentials_required is False:
            if check.claim_id in OPEN_TARGET_CHECKS:
                return ""
            return (
                "written for a token (its requests carry one to pass the XSRF check or to log in); "
                "this target asks for none, as SU-01 shows"
            )
        variable = "JUPYTERHUB_API_TOKEN" if target.kind == "hub" else "JUPYTER_TOKEN"
        return f"needs a token: set {variable} or --token-file"
    return ""


def outside_affected_ranges(claim: AuditedClaim, reported: object) -> bool:
    """Whether the release a target reports lies outside every affected range of the claim's advisory.

    Decided by the registry's ``advisory`` ranges alone (introduced, fixed or last_affected, per
    branch); a version that cannot be compared raises ``ValueError``: reported as an error, never a pass.
    """
    assert claim.advisory is not None, claim.id
    affected = claim.advisory.affects(str(reported))
    if affected is None:
        raise ValueError(f"the target reports {reported!r}, not a version this audit can compare")
    return not affected


def audit(
    target: Target,
    client: LocalClient,
    *,
    allow_writes: bool = False,
    progress: Callable[[Finding], None] = lambda finding: None,
) -> list[Finding]:
    claims = audited_claims()
    findings = []
    for check in checks_for(target.kind):
        claim = claims[check.claim_id]
        started = time.monotonic()
        reason = _not_applicable(check, target, allow_writes)
        if reason:
            finding = Finding(claim, "not-applicable", reason, "", 0.0)
        else:
            try:
                anonymous = ANONYMOUS_CHECKS.get(check.claim_id) if not target.endpoint.token else None
                seen = (anonymous or check).observe(client, target.endpoint)
                if anonymous is not None:
                    holds = (anonymous.holds or claim.expect.holds_for)(seen.value)
                    shown = anonymous.shown(seen.value)
                elif check.by_version and claim.advisory:
                    holds = outside_affected_ranges(claim, seen.value)
                    shown = f"{claim.advisory.package} {seen.value}" + ("" if holds else " (affected)")
                else:
                    holds = claim.expect.holds_for(seen.value)
                    shown = repr(seen.value)
                finding = Finding(
                    claim,
                    "pass" if holds else "fail",
                    redact(shown),
                    redact(seen.transcript),
                    time.monotonic() - started,
                )
            except NotInPosition as why:
                finding = Finding(claim, "not-applicable", redact(str(why)), "", time.monotonic() - started)
            except Exception as error:  # a check that broke is reported, never a pass
                finding = Finding(
                    claim, "error", redact(f"{type(error).__name__}: {error}"), "", time.monotonic() - started
                )
        finding = replace(finding, anonymous=not target.endpoint.token)
        progress(finding)
        findings.append(finding)
    return findings
