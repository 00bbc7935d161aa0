"""The claim ledger: every claim record of a build, as published ``claims.json``.

Shaped like kube-bench's JSON: one entry per claim with its status, what was
expected and observed on each side, the negative-control result, the fix,
versions read from the running system and the duration; totals per area and
per page.  ``validate_record`` is the schema, enforced by the site build and
the unit tests.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from jsv.claims.model import CLAIM_ID, SEVERITIES, SOURCE_ID
from jsv.claims.record import ClaimRecord
from jsv.claims.taxonomy import ASVS_ID, CWE_ID, is_web_facing
from jsv.columns import COLUMNS, PINNED

SCHEMA_VERSION = 4
"""3: every record has a ``column``; records of other columns than ``pinned`` are under ``matrix``.
4: every record has ``cwe`` (one id at least) and ``asvs`` (one at least for a web-facing claim)."""
STATUSES = {"verified", "failed", "static", "skipped"}
CONTROL_RESULTS = {
    "failed-as-expected",
    "not-applicable",
    "none",
    "passed-unexpectedly",
    "failed-for-another-reason",
}
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "area": str,
    "title": str,
    "statement": str,
    "threat": str,
    "sources": list,
    "status": str,
    "expected": str,
    "negative_control": str,
    "negative_control_reason": str,
    "versions": dict,
    "evidence": str,
    "seconds": (int, float),
    "fix": dict,
    "fix_applied": bool,
    "fix_reason": str,
    "severity": str,
    "cwe": list,
    "asvs": list,
    "page": str,
}


def validate_record(record: dict[str, Any]) -> list[str]:
    """Problems with one ledger entry (empty when it is well-formed)."""
    problems = []
    for key, kind in REQUIRED.items():
        if key not in record:
            problems.append(f"missing {key}")
        elif not isinstance(record[key], kind):
            problems.append(f"{key} has type {type(record[key]).__name__}")
    if problems:
        return problems
    if not CLAIM_ID.match(record["id"]):
        problems.append(f"bad id {record['id']!r}")
    if record["severity"] not in SEVERITIES:
        problems.append(f"bad severity {record['severity']!r}")
    if not record["fix_applied"] and not record["fix_reason"]:
        problems.append("fix not applied without a reason in fix_reason")
    for key in ("component", "file", "code"):
        if not record["fix"].get(key):
            problems.append(f"fix without {key}")
    if record["status"] not in STATUSES:
        problems.append(f"bad status {record['status']!r}")
    if record["negative_control"] not in CONTROL_RESULTS:
        problems.append(f"bad negative_control {record['negative_control']!r}")
    if record["negative_control"] == "not-applicable" and not record["negative_control_reason"]:
        problems.append("negative control not applicable without a reason")
    if record["status"] == "verified" and record["negative_control"] not in {
        "failed-as-expected",
        "not-applicable",
    }:
        problems.append("verified without a negative control that failed")
    if record["status"] == "skipped" and not record.get("notes"):
        problems.append("skipped without a reason in notes")
    if record["status"] == "verified" and not record["versions"]:
        problems.append("verified without versions read from the system")
    if record.get("column", PINNED) not in {PINNED, *COLUMNS}:
        problems.append(f"bad column {record['column']!r}")
    problems += [f"bad source {s!r}" for s in record["sources"] if not SOURCE_ID.match(s)]
    if not record["cwe"]:
        problems.append("no CWE id")
    problems += [f"bad CWE id {c!r}" for c in record["cwe"] if not CWE_ID.match(str(c))]
    problems += [f"bad ASVS id {a!r}" for a in record["asvs"] if not ASVS_ID.match(str(a))]
    if is_web_facing(record["id"]) and not record["asvs"]:
        problems.append("web-facing claim without an ASVS id")
    return problems


def build_ledger(
    records: list[ClaimRecord], pages: dict[str, float] | None = None, matrix: list[ClaimRecord] | None = None
) -> dict[str, Any]:
    """The published ledger document for ``records`` (sorted by area and id).

    ``records`` are the site's claims (column ``pinned``); ``matrix`` holds the
    second records of the same claims run in other columns (:mod:`jsv.columns`),
    kept apart so that the totals, and every reader of ``claims``, see one record
    per claim.
    """
    ordered = sorted(records, key=lambda r: (r.area, r.id))
    by_status = Counter(r.status for r in ordered)
    by_area: dict[str, Counter] = {}
    for record in ordered:
        by_area.setdefault(record.area, Counter())[record.status] += 1
    verified = [r for r in ordered if r.status == "verified"]
    applied_verified = sum(1 for r in verified if r.fix.applied)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "totals": {
            "claims": len(ordered),
            **dict(sorted(by_status.items())),
            "fix_applied": sum(1 for r in ordered if r.fix.applied),
            "verified_with_fix_applied": round(applied_verified / len(verified), 3) if verified else 0.0,
        },
        "areas": {area: dict(sorted(c.items())) for area, c in sorted(by_area.items())},
        "pages": {page: {"execution_seconds": seconds} for page, seconds in sorted((pages or {}).items())},
        "claims": [record.to_json() for record in ordered],
        "matrix": [r.to_json() for r in sorted(matrix or [], key=lambda r: (r.column, r.area, r.id))],
    }


def source_coverage(records: list[ClaimRecord]) -> dict[str, list[str]]:
    """``{SEED id: [claim ids that cover it]}``."""
    coverage: dict[str, list[str]] = {}
    for record in records:
        for source in record.sources:
            coverage.setdefault(source, []).append(record.id)
    return {key: sorted(ids) for key, ids in coverage.items()}
