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

from jsv.claims.model import CLAIM_ID, SOURCE_ID

SCHEMA_VERSION = 1
STATUSES = {"verified", "failed", "static", "skipped"}
CONTROL_RESULTS = {
    "failed-as-expected",
    "not-applicable",
    "none",
    "passed-unexpectedly",
    "failed-for-another-reason",
}
REQUIRED = {
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
    problems += [f"bad source {s!r}" for s in record["sources"] if not SOURCE_ID.match(s)]
    return problems


def build_ledger(records: list[dict[str, Any]], pages: dict[str, float] | None = None) -> dict[str, Any]:
    """The published ledger document for ``records`` (sorted by area and id)."""
    ordered = sorted(records, key=lambda r: (r["area"], r["id"]))
    by_status = Counter(r["status"] for r in ordered)
    by_area: dict[str, Counter] = {}
    for record in ordered:
        by_area.setdefault(record["area"], Counter())[record["status"]] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "totals": {"claims": len(ordered), **dict(sorted(by_status.items()))},
        "areas": {area: dict(sorted(c.items())) for area, c in sorted(by_area.items())},
        "pages": {page: {"execution_seconds": seconds} for page, seconds in sorted((pages or {}).items())},
        "claims": ordered,
    }


def source_coverage(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """``{SEED id: [claim ids that cover it]}``."""
    coverage: dict[str, list[str]] = {}
    for record in records:
        for source in record["sources"]:
            coverage.setdefault(source, []).append(record["id"])
    return {key: sorted(ids) for key, ids in coverage.items()}
