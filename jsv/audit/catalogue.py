"""The audited claims as data shipped in the package: ``jsv/data/audit_claims.json``.

A reader who ran ``pip install .`` has the package but not ``runbooks/``, so
the audited claims' registry entries (statement, expectation, fix, page) are
copied into the package as JSON.  The copy is generated from the registry
(``python -m jsv.audit.catalogue``) and a unit test fails when it differs, so
it never drifts from the YAML the site is built from.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsv.claims.expect import Expectation, from_data
from jsv.claims.registry import find_root, load_registry

SNAPSHOT = "audit_claims.json"
SITE_URL = "https://jupyter-security-verified.readthedocs.io/en/latest/"
"""Where the site is published; ``--site-url`` or ``JSV_SITE_URL`` point the report elsewhere."""


@dataclass(frozen=True)
class AuditedClaim:
    """What the audit needs of one registry claim."""

    id: str
    title: str
    statement: str
    severity: str
    expect: Expectation
    fix_place: str
    fix_code: str
    page: str
    """The runbook page's docname (``runbooks/single-user/access``)."""

    def card_url(self, site: str) -> str:
        return f"{site.rstrip('/')}/{self.page}.html#{self.id.lower()}"


def snapshot(root: Path, ids: frozenset[str]) -> dict[str, Any]:
    """The registry entries of ``ids`` (validated by loading the registry), keyed by id."""
    registry = load_registry(root)
    missing = sorted(ids - registry.claims.keys())
    if missing:
        raise KeyError(f"audited claims not in the registry: {', '.join(missing)}")
    entries = {}
    for claim_id in sorted(ids):
        claim = registry.claim(claim_id)
        entries[claim_id] = {
            "title": claim.title,
            "statement": claim.statement,
            "severity": claim.severity,
            "expect": claim.expect_data,
            "fix_place": claim.fix.place,
            "fix_code": claim.fix.code,
            "page": registry.pages[claim_id],
        }
    return entries


@cache
def audited_claims() -> dict[str, AuditedClaim]:
    data = json.loads(resources.files("jsv.data").joinpath(SNAPSHOT).read_text())
    return {
        claim_id: AuditedClaim(
            claim_id,
            entry["title"],
            entry["statement"],
            entry["severity"],
            from_data(entry["expect"]),
            entry["fix_place"],
            entry["fix_code"],
            entry["page"],
        )
        for claim_id, entry in data.items()
    }


def write_snapshot(root: Path) -> Path:
    from jsv.audit.checks import CHECKS

    target = root / "jsv" / "data" / SNAPSHOT
    data = snapshot(root, frozenset(check.claim_id for check in CHECKS))
    target.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return target


if __name__ == "__main__":
    print(f"wrote {write_snapshot(find_root(Path.cwd().resolve()))}", file=sys.stderr)
