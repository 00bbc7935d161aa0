"""The audited claims as data shipped in the package: ``jsv/data/audit_claims.json``.

A reader who ran ``pip install .`` has the package but not ``runbooks/``, so
the audited claims' registry entries (statement, expectation, fix, page) are
copied into the package as JSON.  The copy is generated from the registry
(``python -m jsv.audit.catalogue``) and a unit test fails when it differs, so
it never drifts from the YAML the site is built from.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsv import settings
from jsv.claims.expect import Expectation, from_data
from jsv.claims.registry import find_root, load_registry

SNAPSHOT = "audit_claims.json"
SITE_URL = settings.SITE_URL.default
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
    fixed_in: str = ""
    """For an advisory claim: the first release of ``component`` with the fix (from the claim's notes)."""
    component: str = ""
    cwe: tuple[str, ...] = ()
    """The claim's CWE ids (``CWE-352``), most specific first."""
    asvs: tuple[str, ...] = ()
    """The OWASP ASVS 5.0.0 requirements it verifies (``v5.0.0-3.5.1``)."""

    @property
    def expected(self) -> str:
        """What the audit compares with: a release for an advisory, else the registry's expectation."""
        if self.fixed_in:
            return f"{self.component} >= {self.fixed_in} (the first release with the fix)"
        return self.expect.description

    def card_url(self, site: str) -> str:
        return f"{site.rstrip('/')}/{self.page}.html#{self.id.lower()}"


FIXED_IN = re.compile(r"fixed in (\d+(?:\.\d+)+)", re.IGNORECASE)
SAME_FIX = re.compile(r"[Tt]he same fix as (ADV-\d+)")


def fixed_release(notes: dict[str, str], claim_id: str) -> str:
    """The release an advisory claim's notes say fixed it ("fixed in 2.18.0", "the same fix as ADV-01")."""
    text = notes.get(claim_id, "")
    found = FIXED_IN.search(text)
    if found:
        return found.group(1)
    same = SAME_FIX.search(text)
    if same and same.group(1) != claim_id:
        return fixed_release(notes, same.group(1))
    raise KeyError(f"{claim_id}: its notes name no release it was fixed in ('fixed in X.Y.Z')")


def snapshot(root: Path, ids: frozenset[str]) -> dict[str, Any]:
    """The registry entries of ``ids`` (validated by loading the registry), keyed by id."""
    registry = load_registry(root)
    missing = sorted(ids - registry.claims.keys())
    if missing:
        raise KeyError(f"audited claims not in the registry: {', '.join(missing)}")
    notes = {claim_id: claim.notes or "" for claim_id, claim in registry.claims.items()}
    entries: dict[str, Any] = {}
    for claim_id in sorted(ids):
        claim = registry.claim(claim_id)
        entries[claim_id] = {
            "title": claim.title,
            "statement": claim.statement,
            "severity": claim.severity,
            "cwe": list(claim.cwe),
            "asvs": list(claim.asvs),
            "expect": claim.expect_data,
            "fix_place": claim.fix.place,
            "fix_code": claim.fix.code,
            "page": registry.pages[claim_id],
        }
        if claim.area == "ADV":  # the page is runbooks/advisories/<component>, e.g. jupyter-server
            entries[claim_id]["fixed_in"] = fixed_release(notes, claim_id)
            entries[claim_id]["component"] = registry.pages[claim_id].rsplit("/", 1)[-1].replace("-", "_")
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
            entry.get("fixed_in", ""),
            entry.get("component", ""),
            tuple(entry["cwe"]),
            tuple(entry.get("asvs", ())),
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
