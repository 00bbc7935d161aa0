"""The published advisory an ADV claim replays, as data: ids, package, affected ranges, upstream severity.

Each ADV claim's registry entry carries an ``advisory:`` block (schema:
``jsv/data/claims.schema.json``, ``$defs/advisory``).  The ranges follow OSV's
``ECOSYSTEM`` events: each :class:`AffectedRange` is one branch, affected from
``introduced`` (``"0"``: every earlier release) up to ``fixed`` (excluded) or
up to and including ``last_affected``.  ``jsv audit`` decides from these
ranges alone whether a reported release is affected; the site publishes them
as OSV records (:mod:`jsv.site.osv`); the card shows them.

The upstream severity is the rating the advisory's publisher gives, on the
scale it names (:data:`SCALES`), with the CVSS vector beside it where one is
published.  :data:`SITE_SEVERITY` maps it onto the site's three levels: that
mapping is the claim's ``severity`` (``docs/severity.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

SCALES = {
    "GHSA": "GitHub advisory rating (critical, high, moderate, low)",
}
"""The rating scales an advisory's severity may be given on, by the name the registry uses."""
SITE_SEVERITY = {"critical": "high", "high": "high", "moderate": "medium", "low": "low"}
"""An upstream GitHub advisory rating -> the claim's severity (the site has no level above ``high``)."""


@dataclass(frozen=True)
class AffectedRange:
    """One branch's affected releases: from ``introduced`` up to ``fixed`` (or through ``last_affected``)."""

    introduced: str
    fixed: str = ""
    last_affected: str = ""
    branch: str = ""
    """A name for the branch (``5.x``) where an advisory was fixed on more than one."""

    def contains(self, version: Version) -> bool:
        if self.introduced != "0" and version < Version(self.introduced):
            return False
        if self.fixed:
            return version < Version(self.fixed)
        if self.last_affected:
            return version <= Version(self.last_affected)
        return True

    def events(self) -> list[dict[str, str]]:
        """OSV ``ranges[].events``."""
        out = [{"introduced": self.introduced}]
        if self.fixed:
            out.append({"fixed": self.fixed})
        elif self.last_affected:
            out.append({"last_affected": self.last_affected})
        return out


@dataclass(frozen=True)
class Cvss:
    """A CVSS vector as the advisory publishes it; ``score`` only where the advisory states it."""

    vector: str
    score: float | None = None

    @property
    def osv_type(self) -> str:
        """OSV ``severity[].type`` of the vector: ``CVSS_V3`` or ``CVSS_V4``."""
        return "CVSS_V4" if self.vector.startswith("CVSS:4.") else "CVSS_V3"


@dataclass(frozen=True)
class UpstreamSeverity:
    """The publisher's rating on ``scale`` (a key of :data:`SCALES`), and its CVSS vector if published."""

    scale: str
    rating: str
    cvss: Cvss | None = None

    @property
    def site_severity(self) -> str:
        return SITE_SEVERITY[self.rating]

    @property
    def scale_name(self) -> str:
        """``GitHub advisory rating``."""
        return SCALES[self.scale].split(" (")[0]

    @property
    def shown(self) -> str:
        """``critical (GitHub advisory rating; CVSS:3.1/AV:N/...)`` for the card."""
        extra = ""
        if self.cvss:
            extra = f"; {self.cvss.vector}" + (f", base score {self.cvss.score}" if self.cvss.score else "")
        return f"{self.rating} ({self.scale_name}{extra})"


@dataclass(frozen=True)
class Advisory:
    """What an ADV claim's advisory says: its ids, the PyPI package, the affected ranges, the rating."""

    ids: tuple[str, ...]
    """The GHSA id first, then its aliases (CVE); empty for a fix released without an advisory."""
    package: str
    """The PyPI name (``jupyter-server``)."""
    ranges: tuple[AffectedRange, ...]
    url: str = ""
    severity: UpstreamSeverity | None = None

    def affects(self, release: str) -> bool | None:
        """Whether ``release`` lies in an affected range; ``None`` when it is not a version."""
        try:
            version = Version(release)
        except InvalidVersion:
            return None
        return any(r.contains(version) for r in self.ranges)

    @property
    def fixed_releases(self) -> tuple[str, ...]:
        """The first fixed release of each branch, oldest branch first."""
        return tuple(sorted((r.fixed for r in self.ranges if r.fixed), key=Version))

    @property
    def affected_text(self) -> str:
        """``< 2.18.0`` or ``5.3.0 to < 5.5.3; 6.0.0 to < 6.1.0`` as the card and the audit say it."""
        parts = []
        for r in self.ranges:
            upper = f"< {r.fixed}" if r.fixed else f"<= {r.last_affected}" if r.last_affected else "all"
            parts.append(upper if r.introduced == "0" else f"{r.introduced} to {upper}")
        return "; ".join(parts)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Advisory:
        """From the registry's ``advisory:`` block (already validated by the schema)."""
        severity = data.get("severity")
        cvss = severity.get("cvss") if severity else None
        return cls(
            ids=tuple(data.get("ids", ())),
            package=data["package"],
            ranges=tuple(
                AffectedRange(
                    introduced=str(r["introduced"]),
                    fixed=str(r.get("fixed", "")),
                    last_affected=str(r.get("last_affected", "")),
                    branch=r.get("branch", ""),
                )
                for r in data["affected"]
            ),
            url=data.get("url", ""),
            severity=UpstreamSeverity(
                scale=severity["scale"],
                rating=severity["rating"],
                cvss=Cvss(cvss["vector"], cvss.get("score")) if cvss else None,
            )
            if severity
            else None,
        )

    def to_data(self) -> dict[str, Any]:
        """The registry's shape again (what the audit's packaged catalogue and the ledger record carry)."""
        data: dict[str, Any] = {"ids": list(self.ids), "package": self.package, "affected": []}
        for r in self.ranges:
            entry = {"introduced": r.introduced}
            entry.update({k: v for k, v in (("fixed", r.fixed), ("last_affected", r.last_affected)) if v})
            if r.branch:
                entry["branch"] = r.branch
            data["affected"].append(entry)
        if self.url:
            data["url"] = self.url
        if self.severity:
            data["severity"] = {"scale": self.severity.scale, "rating": self.severity.rating}
            if self.severity.cvss:
                cvss: dict[str, Any] = {"vector": self.severity.cvss.vector}
                if self.severity.cvss.score is not None:
                    cvss["score"] = self.severity.cvss.score
                data["severity"]["cvss"] = cvss
        return data
