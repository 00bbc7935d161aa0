"""``--waivers FILE``: failures an operator has accepted, each for one claim on some targets until a date.

The file is YAML, validated against ``jsv/data/waivers.schema.json``::

    waivers:
      - claim: SU-13
        target: "https://jupyter.example.org*"   # fnmatch pattern on the audited base URL
        reason: the team uses terminals; the server is reachable from the VPN only
        owner: ops@example.org
        expires: 2027-03-31                       # the last day it holds

A failed check that a waiver in force matches is reported ``waived``, with
the reason, and does not fail the run.  A waiver for this target whose date
has passed fails the run with one line naming it (its failure counts again).
A waiver for this target that matches no failed check is a warning.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from jsv.audit.run import Finding
from jsv.audit.target import AuditError

SCHEMA = "waivers.schema.json"


@dataclass(frozen=True)
class Waiver:
    claim: str
    target: str
    reason: str
    owner: str
    expires: datetime.date

    def applies_to(self, url: str) -> bool:
        return fnmatchcase(url.rstrip("/"), self.target.rstrip("/")) or fnmatchcase(url, self.target)

    def expired(self, today: datetime.date) -> bool:
        return today > self.expires

    @property
    def named(self) -> str:
        return f"waiver {self.claim} for {self.target} (owner {self.owner})"


@dataclass(frozen=True)
class Applied:
    findings: list[Finding]
    expired: list[str]
    """One line per waiver for this target whose date has passed: each fails the run."""
    unmatched: list[str]
    """One line per waiver for this target that matches no failed check (a warning)."""


@cache
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("jsv.data").joinpath(SCHEMA).read_text())


def _dates_as_text(value: Any) -> Any:
    """YAML reads ``2027-03-31`` as a date; the schema checks the text (``format: date``)."""
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load(path: Path) -> list[Waiver]:
    """The waivers of ``path``; an :class:`AuditError` (exit 2, one line) when it is missing or invalid."""
    try:
        text = path.read_text()
    except OSError as error:
        raise AuditError(f"--waivers {path}: {error.strerror}: give an existing YAML file") from None
    try:
        document = _dates_as_text(yaml.safe_load(text))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise AuditError(f"--waivers {path}: not YAML{where}: {getattr(error, 'problem', error)}") from None
    validator = jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "the document"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise AuditError(
            f"--waivers {path}: {where}: {first.message}{more}: each waiver needs claim, target, "
            "reason, owner and expires (YYYY-MM-DD), under a top-level 'waivers:' list"
        )
    return [
        Waiver(w["claim"], w["target"], w["reason"], w["owner"], datetime.date.fromisoformat(w["expires"]))
        for w in document["waivers"]
    ]


def apply(
    findings: list[Finding], waivers: list[Waiver], url: str, today: datetime.date | None = None
) -> Applied:
    """Mark each failed finding a waiver in force matches as ``waived``; name expired and unused waivers."""
    today = today or datetime.date.today()
    mine = [w for w in waivers if w.applies_to(url)]
    expired = [
        f"{w.named} expired on {w.expires.isoformat()}: the failure counts again; fix it, or renew the waiver"
        for w in mine
        if w.expired(today)
    ]
    in_force = [w for w in mine if not w.expired(today)]
    used: set[int] = set()
    result = []
    for finding in findings:
        waiver = next((w for w in in_force if w.claim == finding.claim.id), None)
        if waiver is not None and finding.verdict == "fail":
            used.add(id(waiver))
            finding = replace(finding, verdict="waived", waiver=waiver)
        result.append(finding)
    audited = {f.claim.id: f.verdict for f in findings}
    unmatched = []
    for w in in_force:
        if id(w) in used:
            continue
        verdict = audited.get(w.claim)
        why = f"its check was {verdict}" if verdict else "the audit ran no such check here"
        unmatched.append(f"{w.named} matches no failed check ({why}): remove it when it is no longer needed")
    return Applied(result, expired, unmatched)
