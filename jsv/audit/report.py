"""The audit report: a table for a terminal, JSON (the ledger's record shape where it applies), JUnit XML.

JUnit XML is written with ``junitparser`` (a maintained library that knows
the schema CI systems read) rather than by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from jsv.audit.run import Finding
from jsv.audit.target import Target


@dataclass(frozen=True)
class Report:
    target: Target
    findings: list[Finding]
    site: str

    @property
    def exit_code(self) -> int:
        return 1 if any(f.verdict in ("fail", "error") for f in self.findings) else 0

    def counts(self) -> dict[str, int]:
        order = ("pass", "fail", "not-applicable", "error")
        return {verdict: sum(f.verdict == verdict for f in self.findings) for verdict in order}


def progress_line(finding: Finding) -> str:
    return f"  {finding.claim.id:<7} {finding.verdict:<15} {finding.seconds:5.1f}s  {finding.claim.title}"


def table(report: Report) -> str:
    t = report.target
    lines = [f"{t.kind} at {t.endpoint.base}: version {t.version}", ""]
    for f in report.findings:
        lines.append(f"{f.claim.id:<7} {f.verdict.upper():<15} {f.claim.title}")
        lines.append(f"        observed: {f.observed}")
        if f.verdict == "fail":
            lines.append(f"        expected: {f.claim.expected}")
            lines.append(f"        fix ({f.claim.fix_place}):")
            lines += ["            " + line for line in f.claim.fix_code.splitlines()]
        lines.append(f"        {f.claim.card_url(report.site)}")
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report.counts().items())
    lines += ["", f"{len(report.findings)} checks: {counts}"]
    return "\n".join(lines)


def as_json(report: Report) -> str:
    t = report.target
    records = [
        {
            "id": f.claim.id,
            "title": f.claim.title,
            "statement": f.claim.statement,
            "severity": f.claim.severity,
            "status": f.verdict,
            "expected": f.claim.expected,
            "observed": f.observed,
            "evidence": f.transcript,
            "fix": {"place": f.claim.fix_place, "code": f.claim.fix_code},
            "card": f.claim.card_url(report.site),
            "seconds": round(f.seconds, 2),
        }
        for f in report.findings
    ]
    document = {
        "target": {"url": t.endpoint.base, "kind": t.kind, "versions": {t.kind: t.version}},
        "summary": report.counts(),
        "claims": records,
    }
    return json.dumps(document, indent=2)


def as_junit(report: Report) -> str:
    suite = TestSuite(f"jsv audit {report.target.kind} {report.target.endpoint.base}")
    for f in report.findings:
        case = TestCase(f"{f.claim.id} {f.claim.title}", classname=f"jsv.audit.{report.target.kind}")
        case.time = round(f.seconds, 3)
        card = f.claim.card_url(report.site)
        detail = f"observed {f.observed}; expected {f.claim.expected}; {card}"
        if f.verdict == "fail":
            case.result = [Failure(detail)]
        elif f.verdict == "error":
            case.result = [Error(f.observed)]
        elif f.verdict == "not-applicable":
            case.result = [Skipped(f.observed)]
        case.system_out = f.transcript
        suite.add_testcase(case)
    xml = JUnitXml()
    xml.add_testsuite(suite)
    return xml.tostring().decode()
