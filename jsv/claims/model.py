"""The fixed shape of a claim, as the registry (``runbooks/**/<page>.claims.yaml``) holds it.

A claim is data: what is asserted (``statement``), against which threat, how
bad it is (``severity``), where the fix goes and what it is (:class:`Fix`),
what the hardened side must show (``expect``) and what the insecure twin must
show (``weakness``), or why no insecure twin exists (``no_control``); and the
ids a compliance team maps it by (``cwe``, ``asvs``: :mod:`jsv.claims.taxonomy`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jsv.claims.advisory import Advisory
from jsv.claims.expect import Expectation

AREAS = {
    "SU": "Single-user server",
    "MU": "Multi-user machine",
    "NT": "Notebook trust",
    "HUB": "JupyterHub",
    "K8S": "Kubernetes",
    "HTC": "HTCondor",
    "SLURM": "Slurm",
    "ADV": "Past advisories",
    "EXT": "Server extensions",
}
CLAIM_ID = re.compile(r"^(SU|MU|NT|HUB|K8S|HTC|SLURM|ADV|EXT)-\d{2,3}$")
SOURCE_ID = re.compile(r"^SEED-\d{3}-\d{2}$")
SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Fix:
    """What a reader changes, and where: ``code`` goes into ``file`` of ``component``.

    ``not_applied`` is empty when the run builds the hardened side from exactly
    ``code`` (``Machine.with_fix``); otherwise it says why it cannot.
    """

    component: str
    file: str
    code: str
    language: str = "python"
    user: str = ""
    not_applied: str = ""

    @property
    def place(self) -> str:
        """Where the fix goes, in a reader's words (e.g. ``jupyterhub_config.py (JupyterHub)``)."""
        from jsv.claims.places import PLACES

        shown = f"{self.file}, as {self.user}" if self.user else self.file
        return f"{shown} ({PLACES[self.component].name})"


@dataclass(frozen=True)
class Claim:
    """One precise, checkable sentence with a stable id (never reused)."""

    id: str
    title: str
    statement: str
    threat: str
    severity: str
    fix: Fix
    expect: Expectation
    weakness: Expectation | None = None
    no_control: str = ""
    sources: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    """MITRE CWE ids of the weakness the claim guards against, most specific first (``CWE-601``)."""
    asvs: tuple[str, ...] = ()
    """OWASP ASVS 5.0.0 requirements the claim verifies (``v5.0.0-3.7.2``); every web-facing claim has one
    (:mod:`jsv.claims.taxonomy`)."""
    notes: str = ""
    embargo: str = ""
    """Non-empty for an unfixed upstream vulnerability (SECURITY.md): the published record keeps the
    observed values but withholds the transcripts (the reproduction) until the date or fix it names."""
    applies_when: str = ""
    """Empty for every deployment of the area; else the condition (``the hub uses LDAP``)."""
    registry_file: str = ""
    expect_data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """``expect`` as written in the registry (what ``jsv audit``'s packaged copy carries)."""
    advisory: Advisory | None = None
    """For an ADV claim: the advisory it replays (ids, package, affected ranges, upstream severity)."""

    @property
    def area(self) -> str:
        return self.id.split("-")[0]

    @property
    def anchor(self) -> str:
        return self.id.lower()
