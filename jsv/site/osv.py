"""Publish each verified advisory claim as an OSV record: ``<outdir>/osv/<id>.json``.

Scanners that read the OSV format (osv-scanner, pip-audit's OSV service,
dependency dashboards) can then use what this site verified: the affected
ranges come from the claim's ``advisory`` block in the registry
(:class:`jsv.claims.advisory.Advisory`), the verification from the ledger
record of the same build.  Written at ``build-finished``, beside
``claims.json`` (:mod:`jsv.site.collect`).

The id is the site's own: OSV reserves the ``x_`` prefix for a database it
does not aggregate (``x_JSV-ADV-01``; a bare ``JSV-`` prefix is not one the
schema accepts); the advisory's GHSA and CVE ids are its ``aliases``.  The
records validate against the OSV JSON schema vendored in
``tests/fixtures/osv/schema.json`` (ossf/osv-schema ``validation/schema.json``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from jsv.claims.record import ClaimRecord

OSV_DIR = "osv"
SCHEMA_VERSION = "1.7.5"
"""The OSV schema release the records follow (the ``x_`` prefix for a local database is from 1.7)."""
ID_PREFIX = "x_JSV-"
SITE_URL = "https://jupyter-security-verified.readthedocs.io/en/latest/"


def osv_id(claim_id: str) -> str:
    return f"{ID_PREFIX}{claim_id}"


def _timestamp(executed_at: str) -> str:
    """RFC 3339 in UTC with ``Z``, as OSV asks (the build's time where the record has none)."""
    try:
        when = datetime.fromisoformat(executed_at)
    except ValueError:
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def osv_record(record: ClaimRecord, site: str = SITE_URL) -> dict[str, Any]:
    """The OSV record of one advisory claim's ledger record (which must carry its advisory)."""
    advisory = record.advisory
    if advisory is None:
        raise ValueError(f"{record.id} has no advisory: only ADV claims are published as OSV records")
    card = f"{site.rstrip('/')}/{record.page}" if record.page else site
    references = [{"type": "ADVISORY", "url": advisory.url}] if advisory.url else []
    references.append({"type": "WEB", "url": card})
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": osv_id(record.id),
        "modified": _timestamp(record.executed_at),
        "aliases": list(advisory.ids),
        "summary": record.title,
        "details": f"{record.statement}\n\n{record.notes}".strip(),
        "affected": [
            {
                "package": {
                    "ecosystem": "PyPI",
                    "name": advisory.package,
                    "purl": f"pkg:pypi/{advisory.package}",
                },
                "ranges": [{"type": "ECOSYSTEM", "events": r.events()}],
                **({"database_specific": {"branch": r.branch}} if r.branch else {}),
            }
            for r in advisory.ranges
        ],
        "references": references,
        "database_specific": {
            "claim": record.id,
            "status": record.status,
            "negative_control": record.negative_control,
            "executed_at": record.executed_at,
            "versions": record.versions,
            "severity": record.severity,
            "upstream_severity": (
                {"scale": advisory.severity.scale, "rating": advisory.severity.rating}
                if advisory.severity
                else None
            ),
        },
    }
    if advisory.severity and advisory.severity.cvss:
        cvss = advisory.severity.cvss
        data["severity"] = [{"type": cvss.osv_type, "score": cvss.vector}]
    return data


def write_records(records: list[ClaimRecord], outdir: Path, site: str = SITE_URL) -> list[Path]:
    """One ``<outdir>/osv/<id>.json`` per advisory claim among ``records``; the paths written."""
    folder = outdir / OSV_DIR
    written = []
    for record in records:
        if record.advisory is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{osv_id(record.id)}.json"
        path.write_text(json.dumps(osv_record(record, site), indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from jsv.site.collect import all_records

    site = app.config.html_baseurl or SITE_URL
    write_records(all_records(app.env), Path(app.outdir), site)


def setup(app: Sphinx) -> None:
    app.connect("build-finished", _write)
