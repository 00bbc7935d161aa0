"""The fixed shape of a claim: what is asserted, against which threat, and the fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

AREAS = {
    "SU": "Single-user server",
    "MU": "Multi-user machine",
    "NT": "Notebook trust",
    "HUB": "JupyterHub",
    "K8S": "Kubernetes",
    "HTC": "HTCondor",
    "SLURM": "Slurm",
}
CLAIM_ID = re.compile(r"^(SU|MU|NT|HUB|K8S|HTC|SLURM)-\d{2,3}$")
SOURCE_ID = re.compile(r"^SEED-\d{3}-\d{2}$")


@dataclass(frozen=True)
class Fix:
    """The configuration a reader should use, shown verbatim on the page."""

    code: str
    language: str = "python"
    where: str = "jupyter_server_config.py"


@dataclass(frozen=True)
class Claim:
    """One precise, checkable sentence with a stable id (never reused).

    >>> Claim(id="SU-01", title="Token required", statement="...", threat="...",
    ...       fix=Fix("c.IdentityProvider.token = '<random>'")).area
    'SU'
    """

    id: str
    title: str
    statement: str
    threat: str
    fix: Fix
    sources: tuple[str, ...] = ()
    notes: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not CLAIM_ID.match(self.id):
            raise ValueError(f"claim id {self.id!r} must look like SU-01 (areas: {', '.join(AREAS)})")
        for source in self.sources:
            if not SOURCE_ID.match(source):
                raise ValueError(f"{self.id}: source {source!r} must look like SEED-002-12")
        for name in ("title", "statement", "threat"):
            if not getattr(self, name).strip():
                raise ValueError(f"{self.id}: {name} must not be empty")
        object.__setattr__(self, "sources", tuple(self.sources))

    @property
    def area(self) -> str:
        return self.id.split("-")[0]

    @property
    def anchor(self) -> str:
        return self.id.lower()
