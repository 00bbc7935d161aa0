"""The audit report: a table for a terminal, JSON (the ledger's record shape where it applies), JUnit XML,
SARIF 2.1.0.

JUnit XML is written with ``junitparser`` (a maintained library that knows
the schema CI systems read) rather than by hand.  The JSON report is described
by ``jsv/data/audit-report.schema.json`` (JSON Schema 2020-12); the SARIF log
follows the OASIS SARIF 2.1.0 schema (both are checked in the unit tests).  In every format a target
that answers an anonymous client is said first, and the failures that show it
(:data:`~jsv.audit.anonymous.OPENNESS`) head the findings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from jsv.audit.anonymous import ANONYMOUS_CHECKS, OPENNESS
from jsv.audit.run import VERDICTS, Finding
from jsv.audit.target import Target
from jsv.claims import taxonomy

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
"""A claim's severity as SARIF ``properties.security-severity`` (a CVSS-like score, as a string): each
lies inside the band GitHub code scanning shows with the same name (critical above 9.0, high 7.0-8.9,
medium 4.0-6.9, low 3.9 or less)."""

EXIT_CODES = {
    0: "nothing failed (waived failures allowed)",
    1: "at least one check failed, or a waiver for this target has expired",
    2: "a usage or connection problem (one line says what to do)",
    3: "a check could not complete (error), and none failed",
}


@dataclass(frozen=True)
class Report:
    target: Target
    findings: list[Finding]
    site: str
    expired: list[str] = field(default_factory=list)
    """One line per expired waiver for this target: each fails the run."""
    unmatched: list[str] = field(default_factory=list)
    """One line per waiver for this target that matched no failed check (a warning)."""

    @property
    def exit_code(self) -> int:
        """0 nothing failed, 1 a failure (or an expired waiver), 3 no failure but an error."""
        if self.expired or any(f.verdict == "fail" for f in self.findings):
            return 1
        return 3 if any(f.verdict == "error" for f in self.findings) else 0

    def counts(self) -> dict[str, int]:
        return {verdict: sum(f.verdict == verdict for f in self.findings) for verdict in VERDICTS}

    @property
    def ordered(self) -> list[Finding]:
        """The failures that show an anonymous client is answered first, then the checks in their order."""
        first = sorted(
            (f for f in self.findings if shows_openness(f)),
            key=lambda f: OPENNESS.index(f.claim.id) if f.claim.id in OPENNESS else len(OPENNESS),
        )
        return first + [f for f in self.findings if not any(f is g for g in first)]

    @property
    def headline(self) -> str:
        """The first line when the target needs no credentials at all; else empty."""
        t = self.target
        if t.credentials_required is not False:
            return ""
        what = (
            "anyone who can reach it can read and write its files and run code"
            if t.kind == "server"
            else "anyone who can reach it can use it"
        )
        return f"OPEN: the {t.kind} at {t.endpoint.base} answers its API without credentials: {what}"


def shows_openness(finding: Finding) -> bool:
    """A failure that shows an anonymous client is answered: SU-01, SU-22, or a check failed as one."""
    anonymous = finding.anonymous and finding.claim.id in ANONYMOUS_CHECKS
    return finding.verdict == "fail" and (finding.claim.id in OPENNESS or anonymous)


def progress_line(finding: Finding) -> str:
    return f"  {finding.claim.id:<7} {finding.verdict:<15} {finding.seconds:5.1f}s  {finding.claim.title}"


def waiver_text(finding: Finding) -> str:
    w = finding.waiver
    return f"waived: {w.reason} (owner {w.owner}, until {w.expires.isoformat()})" if w else ""


def table(report: Report) -> str:
    t = report.target
    lines = [report.headline] if report.headline else []
    lines.append(f"{t.kind} at {t.endpoint.base}: version {t.version}")
    lines += [f"EXPIRED WAIVER: {line}" for line in report.expired]
    lines.append("")
    for f in report.ordered:
        label = f"{f.verdict.upper()} ({f.claim.severity})" if f.verdict == "fail" else f.verdict.upper()
        lines.append(f"{f.claim.id:<7} {label:<15} {f.claim.title}")
        lines.append(f"        observed: {f.observed}")
        if f.verdict == "waived":
            lines.append(f"        {waiver_text(f)}")
        if f.verdict in ("fail", "waived"):
            lines.append(f"        expected: {f.claim.expected}")
            lines.append(f"        fix ({f.claim.fix_place}):")
            lines += ["            " + line for line in f.claim.fix_code.splitlines()]
        lines.append(f"        {f.claim.card_url(report.site)}")
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report.counts().items())
    lines += ["", f"{len(report.findings)} checks: {counts}"]
    lines += [f"warning: {line}" for line in report.unmatched]
    return "\n".join(lines)


def as_json(report: Report) -> str:
    t = report.target
    records = []
    for f in report.ordered:
        record = {
            "id": f.claim.id,
            "title": f.claim.title,
            "statement": f.claim.statement,
            "severity": f.claim.severity,
            "cwe": list(f.claim.cwe),
            "asvs": list(f.claim.asvs),
            "status": f.verdict,
            "expected": f.claim.expected,
            "observed": f.observed,
            "evidence": f.transcript,
            "credentials": "none" if f.anonymous else "token",
            "fix": {"place": f.claim.fix_place, "code": f.claim.fix_code},
            "card": f.claim.card_url(report.site),
            "seconds": round(f.seconds, 2),
        }
        if f.waiver:
            w = f.waiver
            record["waiver"] = {
                "reason": w.reason,
                "owner": w.owner,
                "expires": w.expires.isoformat(),
                "target": w.target,
            }
        records.append(record)
    document = {
        "target": {
            "url": t.endpoint.base,
            "kind": t.kind,
            "versions": {t.kind: t.version},
            "credentials_required": t.credentials_required,
            "front": t.front,
        },
        "headline": report.headline,
        "summary": report.counts(),
        "exit_code": report.exit_code,
        "waivers": {"expired": report.expired, "unmatched": report.unmatched},
        "claims": records,
    }
    return json.dumps(document, indent=2)


def as_junit(report: Report) -> str:
    suite = TestSuite(f"jsv audit {report.target.kind} {report.target.endpoint.base}")
    suite.add_property("credentials_required", str(report.target.credentials_required).lower())
    if report.headline:
        suite.add_property("headline", report.headline)
    for f in report.ordered:
        case = TestCase(f"{f.claim.id} {f.claim.title}", classname=f"jsv.audit.{report.target.kind}")
        case.time = round(f.seconds, 3)
        card = f.claim.card_url(report.site)
        detail = f"observed {f.observed}; expected {f.claim.expected}; {card}"
        if f.verdict == "fail":
            case.result = [Failure(f"{f.claim.severity}: {detail}", f.claim.severity)]
        elif f.verdict == "error":
            case.result = [Error(f.observed)]
        elif f.verdict == "waived":
            case.result = [Skipped(f"{waiver_text(f)}; {detail}", "waived")]
        elif f.verdict == "not-applicable":
            case.result = [Skipped(f.observed)]
        case.system_out = f.transcript
        suite.add_testcase(case)
    for line in report.expired:
        case = TestCase(line.split(" expired on ")[0], classname=f"jsv.audit.{report.target.kind}.waivers")
        case.result = [Failure(line, "expired waiver")]
        suite.add_testcase(case)
    xml = JUnitXml()
    xml.add_testsuite(suite)
    return xml.tostring().decode()


TAXONOMIES = {
    "CWE": {
        "organization": "MITRE",
        "version": "4.14",
        "informationUri": "https://cwe.mitre.org/",
        "shortDescription": {"text": "The MITRE Common Weakness Enumeration"},
    },
    "OWASP ASVS": {
        "organization": "OWASP",
        "version": taxonomy.ASVS_VERSION,
        "informationUri": "https://owasp.org/www-project-application-security-verification-standard/",
        "shortDescription": {"text": "The OWASP Application Security Verification Standard"},
    },
}
"""The taxonomies a rule relates to (SARIF 2.1.0 §3.19.3: a classification such as CWE belongs in
``taxonomies``, a rule points at its taxa through ``relationships``); GitHub code scanning reads the CWE
from the rule's ``tags`` instead (``external/cwe/cwe-601``), so both are written."""


def cwe_tag(cwe: str) -> str:
    """``CWE-601`` -> ``external/cwe/cwe-601``, the tag GitHub code scanning groups alerts by."""
    return f"external/cwe/{cwe.lower()}"


def _taxa(findings: list[Finding]) -> dict[str, list[str]]:
    """The CWE and ASVS ids of the rules, each once, in the order the rules first name them."""
    taxa: dict[str, list[str]] = {"CWE": [], "OWASP ASVS": []}
    for f in findings:
        for name, ids in (("CWE", f.claim.cwe), ("OWASP ASVS", f.claim.asvs)):
            taxa[name] += [i for i in ids if i not in taxa[name]]
    return taxa


def _taxon(name: str, taxon_id: str) -> dict[str, Any]:
    if name == "CWE":
        return {
            "id": taxon_id,
            "name": taxonomy.cwe_name(taxon_id),
            "helpUri": taxonomy.cwe_url(taxon_id),
        }
    return {
        "id": taxon_id,
        "name": taxonomy.asvs_section(taxon_id),
        "helpUri": taxonomy.asvs_url(taxon_id),
    }


def _taxonomies(taxa: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {"name": name, **about, "taxa": [_taxon(name, i) for i in taxa[name]]}
        for name, about in TAXONOMIES.items()
    ]


def _relationships(claim: Any, taxa: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The rule's CWE and ASVS taxa: the CWE entry is the wider weakness class (``superset``), the ASVS
    requirement one the check helps verify (``relevant``)."""
    names = list(TAXONOMIES)
    out = []
    for name, ids, kind in (("CWE", claim.cwe, "superset"), ("OWASP ASVS", claim.asvs, "relevant")):
        for taxon_id in ids:
            target = {
                "id": taxon_id,
                "index": taxa[name].index(taxon_id),
                "toolComponent": {"name": name, "index": names.index(name)},
            }
            out.append({"target": target, "kinds": [kind]})
    return out


def as_sarif(report: Report) -> str:
    """A SARIF 2.1.0 log: one rule per claim checked, one result per failed or waived check.

    A waived failure is a result with an external, accepted suppression carrying the waiver's reason; a
    check that could not complete (``error``) and the waiver lines are notifications of the invocation,
    not results.  Every result's location is the audited base URL.
    """
    from jsv import __version__

    t = report.target
    findings = report.ordered
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    taxa = _taxa(findings)
    for f in findings:
        if f.claim.id in index:
            continue
        index[f.claim.id] = len(rules)
        rules.append(
            {
                "id": f.claim.id,
                "shortDescription": {"text": f.claim.title},
                "fullDescription": {"text": f.claim.statement},
                "help": {
                    "text": f"expected: {f.claim.expected}\nfix ({f.claim.fix_place}):\n{f.claim.fix_code}"
                },
                "helpUri": f.claim.card_url(report.site),
                "defaultConfiguration": {"level": "error"},
                "relationships": _relationships(f.claim, taxa),
                "properties": {
                    "security-severity": SECURITY_SEVERITY[f.claim.severity],
                    "severity": f.claim.severity,
                    "tags": ["security", t.kind, *(cwe_tag(cwe) for cwe in f.claim.cwe)],
                    "cwe": list(f.claim.cwe),
                    "asvs": list(f.claim.asvs),
                },
            }
        )
    results = []
    for f in findings:
        if f.verdict not in ("fail", "waived"):
            continue
        result: dict[str, Any] = {
            "ruleId": f.claim.id,
            "ruleIndex": index[f.claim.id],
            "kind": "fail",
            "level": "error",
            "message": {"text": f"{f.claim.title}: observed {f.observed}; expected {f.claim.expected}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": t.endpoint.base}}}],
            "partialFingerprints": {"jsvAuditTarget/v1": f"{f.claim.id} {t.endpoint.base}"},
            "properties": {"severity": f.claim.severity, "credentials": "none" if f.anonymous else "token"},
        }
        if f.waiver:
            w = f.waiver
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": w.reason,
                    "properties": {"owner": w.owner, "expires": w.expires.isoformat(), "target": w.target},
                }
            ]
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{f.claim.id}: the check could not complete: {f.observed}"},
            "associatedRule": {"id": f.claim.id, "index": index[f.claim.id]},
        }
        for f in findings
        if f.verdict == "error"
    ]
    notifications += [{"level": "error", "message": {"text": line}} for line in report.expired]
    notifications += [{"level": "warning", "message": {"text": line}} for line in report.unmatched]
    invocation: dict[str, Any] = {
        "executionSuccessful": report.exit_code != 3,
        "exitCode": report.exit_code,
        "exitCodeDescription": EXIT_CODES[report.exit_code],
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "jsv audit",
                        "version": __version__,
                        "informationUri": f"{report.site.rstrip('/')}/docs/audit.html",
                        "rules": rules,
                        "supportedTaxonomies": [
                            {"name": name, "index": i} for i, name in enumerate(TAXONOMIES)
                        ],
                    }
                },
                "taxonomies": _taxonomies(taxa),
                "invocations": [invocation],
                "results": results,
                "properties": {
                    "target": {
                        "url": t.endpoint.base,
                        "kind": t.kind,
                        "version": t.version,
                        "credentials_required": t.credentials_required,
                        "front": t.front,
                    },
                    "headline": report.headline,
                    "summary": report.counts(),
                },
            }
        ],
    }
    return json.dumps(log, indent=2)
