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

from jsv import settings
from jsv.claims.advisory import Advisory
from jsv.claims.expect import Expectation, from_data
from jsv.claims.registry import Registry, find_root, load_registry

SNAPSHOT = "audit_claims.json"
SITE_URL = settings.SITE_URL.default
"""Where the site is published; ``--site-url`` or ``JSV_SITE_URL`` point the report elsewhere."""
AUDITED_PACKAGES = {"jupyter-server": "server", "jupyterhub": "hub"}
"""The PyPI packages whose release a target reports (a server's ``/api``, a hub's ``/hub/api``)."""


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
    cwe: tuple[str, ...] = ()
    """The claim's CWE ids (``CWE-352``), most specific first."""
    asvs: tuple[str, ...] = ()
    """The OWASP ASVS 5.0.0 requirements it verifies (``v5.0.0-3.5.1``)."""
    advisory: Advisory | None = None
    """For an advisory claim: its affected ranges, by which the audit judges the reported release."""

    @property
    def expected(self) -> str:
        """What the audit compares with: the affected ranges for an advisory, else the expectation."""
        if self.advisory:
            fixed = ", ".join(self.advisory.fixed_releases)
            return f"{self.advisory.package} outside {self.advisory.affected_text} (fixed in {fixed})"
        return self.expect.description

    def card_url(self, site: str) -> str:
        return f"{site.rstrip('/')}/{self.page}.html#{self.id.lower()}"


def audited_advisories(registry: Registry) -> frozenset[str]:
    """The ADV claims the audit judges by the reported release: a package a target reports, a fixed release.

    Read from the registry's ``advisory`` blocks only (no prose); an advisory that no release fixes
    (its fix is configuration) is not judged by version.
    """
    return frozenset(
        claim_id
        for claim_id, claim in registry.claims.items()
        if claim.advisory and claim.advisory.package in AUDITED_PACKAGES and claim.advisory.fixed_releases
    )


def snapshot(root: Path, ids: frozenset[str]) -> dict[str, Any]:
    """The registry entries of ``ids`` (validated by loading the registry), keyed by id."""
    registry = load_registry(root)
    missing = sorted(ids - registry.claims.keys())
    if missing:
        raise KeyError(f"audited claims not in the registry: {', '.join(missing)}")
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
        if claim.advisory:
            entries[claim_id]["advisory"] = claim.advisory.to_data()
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
            tuple(entry["cwe"]),
            tuple(entry.get("asvs", ())),
            Advisory.from_data(entry["advisory"]) if "advisory" in entry else None,
        )
        for claim_id, entry in data.items()
    }


def snapshot_ids(root: Path) -> frozenset[str]:
    """The claims the packaged copy holds: every non-advisory check's, and every audited advisory."""
    from jsv.audit.checks import STATIC_CHECKS

    return frozenset(check.claim_id for check in STATIC_CHECKS) | audited_advisories(load_registry(root))


def write_snapshot(root: Path) -> Path:
    target = root / "jsv" / "data" / SNAPSHOT
    data = snapshot(root, snapshot_ids(root))
    target.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    return target


if __name__ == "__main__":
    print(f"wrote {write_snapshot(find_root(Path.cwd().resolve()))}", file=sys.stderr)
