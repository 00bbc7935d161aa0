"""How ``jsv audit`` is proven right: its verdicts on the lab's reference deployments against the runbooks'.

A reference deployment is one the lab builds the way a runbook does: the
hardened server or hub (every published fix the file takes), a weakened twin
(the pinned release with the weaknesses the runbooks' controls show), an older
release (the advisories' controls) and the same hardened files on Debian's
packages (the matrix's second column).  The audit is run against each as a
reader runs it; every verdict is then compared with what the runbooks recorded
for the same claim in the same column (:func:`expected_verdict`).  A verdict
that differs is a *false result* — a false pass is the audit missing a
weakness the runbooks showed, a false fail an alarm the runbooks contradict.
The target is none; the site's build fails on any.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from jsv.columns import PINNED

Role = Literal["hardened", "weakened", "release"]
ReferenceKind = Literal["server", "hub"]
AUDIT_REFERENCE_MIME = "application/vnd.jsv.audit-reference+json"


@dataclass(frozen=True)
class ReferenceDeployment:
    name: str
    kind: ReferenceKind
    role: Role
    built_from: str
    """One line a reader reads in the table: what the deployment runs."""
    column: str = PINNED
    weakened: frozenset[str] = frozenset()
    """For a weakened twin: the claims whose weakness it carries (their runbook controls fail); for an
    older release: the advisories whose runbook control ran that very release."""
    holds: frozenset[str] = frozenset()
    """For a weakened twin: the claims it leaves as the hardened side has them (a default that holds)."""
    front: str = "none"
    """What terminates TLS in front of it (``jsv audit --front``): the checks written for another front
    end are not run there, so not compared."""
    extensions: frozenset[str] = frozenset()
    """The server extensions it runs: a check about another extension answers not-applicable, not compared."""


@dataclass(frozen=True)
class AuditedDeployment:
    """What ``jsv audit`` reported for one reference deployment."""

    deployment: ReferenceDeployment
    exit_code: int
    version: str
    verdicts: dict[str, str]
    """claim id -> the audit's verdict (pass, fail, not-applicable, error)."""

    def to_json(self) -> dict[str, object]:
        d = self.deployment
        return {
            "name": d.name,
            "kind": d.kind,
            "role": d.role,
            "built_from": d.built_from,
            "column": d.column,
            "weakened": sorted(d.weakened),
            "holds": sorted(d.holds),
            "front": d.front,
            "extensions": sorted(d.extensions),
            "exit_code": self.exit_code,
            "version": self.version,
            "verdicts": dict(self.verdicts),
        }

    @classmethod
    def from_json(cls, data: dict) -> AuditedDeployment:
        deployment = ReferenceDeployment(
            data["name"],
            data["kind"],
            data["role"],
            data["built_from"],
            data["column"],
            frozenset(data["weakened"]),
            frozenset(data["holds"]),
            data["front"],
            frozenset(data["extensions"]),
        )
        return cls(deployment, int(data["exit_code"]), str(data["version"]), dict(data["verdicts"]))

    @property
    def summary(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in sorted(_count(self.verdicts).items()))
        return f"{self.deployment.name} ({self.version}): jsv audit exit {self.exit_code}; {counts}"

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, object]:
        return {AUDIT_REFERENCE_MIME: self.to_json(), "text/plain": self.summary}


def _count(verdicts: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for verdict in verdicts.values():
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def expected_verdict(
    deployment: ReferenceDeployment, claim_id: str, runbook_status: str | None
) -> str | None:
    """The verdict the runbooks' record of ``claim_id`` (in the deployment's column) predicts; ``None``
    where the runbooks decided nothing that applies (the claim skipped or not run in that column, or a
    configuration check on an older release, whose runbook control is an advisory's only).

    - hardened: a verified claim passes, a failed one (a finding) fails;
    - weakened twin: a claim whose weakness the twin carries fails (its control showed it); a claim it
      leaves as the hardened side has it, and an advisory (the twin runs the pinned release), is as on the
      hardened side; any other claim is not compared (the twin was not built to say anything about it);
    - older release: an advisory whose runbook control ran that very release fails (the attack succeeded
      there); other claims are not compared (a release another advisory's control did not run says
      nothing the runbooks showed).
    """
    if deployment.role == "release":
        return "fail" if claim_id in deployment.weakened and runbook_status == "verified" else None
    if deployment.role == "weakened":
        if claim_id in deployment.weakened:
            return "fail" if runbook_status == "verified" else None
        if claim_id not in deployment.holds and not claim_id.startswith("ADV-"):
            return None
    return {"verified": "pass", "failed": "fail"}.get(runbook_status or "")


@dataclass(frozen=True)
class Comparison:
    deployment: ReferenceDeployment
    claim_id: str
    expected: str | None
    observed: str | None

    @property
    def false_result(self) -> bool:
        """A verdict the runbooks predict that the audit did not reach (a missing verdict counts)."""
        return self.expected is not None and self.observed != self.expected

    @property
    def kind(self) -> str:
        if not self.false_result:
            return "agrees" if self.expected is not None else "not compared"
        return (
            "false pass"
            if self.observed == "pass"
            else "false fail"
            if self.observed == "fail"
            else "no verdict"
        )


@dataclass
class ReferenceTable:
    """Checks × deployments, each cell compared (:class:`Comparison`)."""

    deployments: list[AuditedDeployment]
    cells: dict[tuple[str, str], Comparison] = field(default_factory=dict)

    @property
    def false_results(self) -> list[Comparison]:
        return [c for c in self.cells.values() if c.false_result]

    @property
    def compared(self) -> int:
        return sum(c.expected is not None for c in self.cells.values())

    def claim_ids(self) -> list[str]:
        ids = {claim_id for _, claim_id in self.cells}
        return sorted(ids, key=_claim_order)


def _claim_order(claim_id: str) -> tuple[str, int]:
    area, _, number = claim_id.rpartition("-")
    return area, int(number) if number.isdigit() else 0


def compare(
    audited: list[AuditedDeployment],
    runbook_status: dict[tuple[str, str], str],
    checks_of: Callable[[ReferenceDeployment], list[str]],
) -> ReferenceTable:
    """Compare every audited verdict with the runbooks'.

    ``runbook_status`` maps (claim id, column) to the ledger status; ``checks_of`` gives the claim ids the
    audit runs on a deployment (every one is expected a verdict, so a check that did not run counts).
    """
    table = ReferenceTable(audited)
    for audit in audited:
        d = audit.deployment
        for claim_id in checks_of(d):
            expected = expected_verdict(d, claim_id, runbook_status.get((claim_id, d.column)))
            table.cells[(d.name, claim_id)] = Comparison(d, claim_id, expected, audit.verdicts.get(claim_id))
    return table


def checks_run_on(deployment: ReferenceDeployment) -> list[str]:
    """The audit's checks for the deployment's kind, front end and extensions (those written for another
    front end, or about an extension it does not run, are not run there)."""
    from jsv.audit.checks import checks_for

    return [
        c.claim_id
        for c in checks_for(deployment.kind)
        if c.front in (None, deployment.front) and c.extension in ("", *deployment.extensions)
    ]


@dataclass(frozen=True)
class AuditRun:
    exit_code: int
    report: dict
    output: str


def run_audit_as_reader(url: str, token: str, *options: str, timeout: float = 300) -> AuditRun:
    """``python -m jsv audit URL --format json --allow-writes`` in a subprocess, the token in the
    environment only (as docs/audit.md tells a reader); the output is checked for the token."""
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_TOKEN", "JUPYTERHUB_API_TOKEN")}
    if token:
        env["JUPYTER_TOKEN"] = token
    ran = subprocess.run(
        [sys.executable, "-m", "jsv", "audit", url, "--format", "json", "--allow-writes", *options],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    output = ran.stdout + ran.stderr
    if token and token in output:
        raise AssertionError(f"jsv audit {url} printed the token it was given")
    report = json.loads(ran.stdout) if ran.stdout.strip() else {}
    return AuditRun(ran.returncode, report, output)


def audited(deployment: ReferenceDeployment, run: AuditRun) -> AuditedDeployment:
    """The audit's verdicts for ``deployment`` (a run that wrote no report is an error with its last line)."""
    if not run.report:
        last = run.output.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(
            f"jsv audit of {deployment.name} wrote no report (exit {run.exit_code}): {last[0]}"
        )
    versions = run.report["target"]["versions"]
    verdicts = {r["id"]: r["status"] for r in run.report["claims"]}
    return AuditedDeployment(deployment, run.exit_code, str(versions.get(deployment.kind, "")), verdicts)
