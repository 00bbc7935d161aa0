"""The typed result of one claim run: what the ledger, the card and the tables read.

A :class:`ClaimRecord` is built (redacted) by :func:`jsv.claims.verify.verify`,
travels from the kernel to Sphinx as JSON inside the notebook output
(:meth:`ClaimRecord.to_json` / :meth:`ClaimRecord.from_json`) and is read by
attribute everywhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from jsv.claims.advisory import Advisory


@dataclass(frozen=True)
class SideRecord:
    """The check's outcome on one side, redacted."""

    environment: str
    configuration: str
    observed: str
    check_passed: bool
    transcript: str


@dataclass(frozen=True)
class FixRecord:
    """The published fix and whether the hardened side was built from exactly it."""

    component: str
    file: str
    place: str
    language: str
    code: str
    user: str
    applied: bool
    reason: str


@dataclass(frozen=True)
class ClaimRecord:
    id: str
    area: str
    title: str
    statement: str
    threat: str
    severity: str
    sources: list[str]
    notes: str
    fix: FixRecord
    status: str
    expected: str
    weakness: str
    hardened: SideRecord
    negative_control: str
    negative_control_reason: str
    control: SideRecord | None
    versions: dict[str, str]
    evidence: str
    seconds: float
    executed_at: str
    run_id: str
    config_warnings: list[str] = field(default_factory=list)
    column: str = "pinned"
    """The matrix column (:mod:`jsv.columns`): ``pinned``, or e.g. ``debian-trixie``."""
    page: str = ""
    """``runbooks/hub/users.html#hub-06``, set by the site when it collects the record."""
    cwe: list[str] = field(default_factory=list)
    """The claim's CWE ids (``CWE-601``), most specific first."""
    asvs: list[str] = field(default_factory=list)
    """The OWASP ASVS 5.0.0 requirements it verifies (``v5.0.0-3.7.2``); empty for a claim that is not
    web-facing and names none."""
    advisory: Advisory | None = None
    """An ADV claim's advisory (ids, package, ranges, upstream rating), from the registry."""

    @property
    def docname(self) -> str:
        return self.page.partition(".html#")[0]

    def on_page(self, page: str) -> ClaimRecord:
        return replace(self, page=page)

    def to_json(self) -> dict[str, Any]:
        """The ledger entry: every field, plus ``fix_applied`` and ``fix_reason`` at the top."""
        data = asdict(self)
        data["fix_applied"] = self.fix.applied
        data["fix_reason"] = self.fix.reason
        if self.advisory:
            data["advisory"] = self.advisory.to_data()
        else:
            del data["advisory"]  # the key only on an ADV claim's record
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimRecord:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["fix"] = FixRecord(**data["fix"])
        values["hardened"] = SideRecord(**data["hardened"])
        values["control"] = SideRecord(**data["control"]) if data.get("control") else None
        values["advisory"] = Advisory.from_data(data["advisory"]) if data.get("advisory") else None
        return cls(**values)
