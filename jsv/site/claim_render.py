"""MyST-NB mime renderer: a claim output becomes a claim card plus a ledger record.

Registered through the ``myst_nb.mime_renderers`` entry point (pyproject).
The card leads with what a reader acts on — statement, status, severity, the
weakness and requirement ids a compliance team maps it by (CWE, OWASP ASVS), the
fix with the file it goes into (a code block, which gets a copy button) — and
then the evidence: both sides' observations and transcripts, folded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar

from docutils import nodes

from jsv.claims import taxonomy
from jsv.claims.advisory import Advisory
from jsv.claims.display import CLAIM_MIME
from jsv.claims.record import ClaimRecord, SideRecord


class claim_record(nodes.General, nodes.Element):
    """Invisible node carrying one ledger record until ``doctree-read`` collects it."""


def _literal(text: str, language: str = "text") -> nodes.literal_block:
    block = nodes.literal_block(text, text)
    block["language"] = language
    # Transcripts are real output (captures hold arbitrary bytes): highlight what
    # the lexer understands and never fail the build on the rest.
    block["force"] = True
    return block


def _field(name: str, body: nodes.Node | str) -> nodes.field:
    value = nodes.paragraph(text=body) if isinstance(body, str) else body
    return nodes.field("", nodes.field_name(text=name), nodes.field_body("", value))


def _side(label: str, side: SideRecord) -> list[nodes.Node]:
    verdict = "check passed" if side.check_passed else "check failed"
    title = nodes.paragraph()
    title += nodes.strong(text=f"{label} — {side.environment}: ")
    title += nodes.Text(f"observed {side.observed} ({verdict})")
    out: list[nodes.Node] = [title]
    if side.configuration:
        out.append(_literal(side.configuration, "text"))
    out.append(_literal(side.transcript, "console"))
    return out


def _fix(record: ClaimRecord) -> list[nodes.Node]:
    fix = record.fix
    heading = nodes.paragraph(classes=["jsv-fix-title"])
    heading += nodes.strong(text="Fix")
    heading += nodes.Text(" — goes into ")
    heading += nodes.literal(text=fix.file)
    heading += nodes.Text(f" ({fix.place.rpartition('(')[2].rstrip(')')})")
    if fix.user:
        heading += nodes.Text(f", run as {fix.user}")
    applied = (
        "the hardened side of this run was built from exactly this text"
        if fix.applied
        else f"not applied by the run: {fix.reason}"
    )
    note = nodes.paragraph(
        text=applied, classes=["jsv-fix-applied" if fix.applied else "jsv-fix-not-applied"]
    )
    block = _literal(fix.code, fix.language)
    block["classes"] = ["jsv-fix-code"]
    return [heading, block, note]


def _ids(record: ClaimRecord) -> nodes.paragraph | None:
    """``CWE-601 URL Redirection ... · OWASP ASVS v5.0.0-3.7.2 (V3.7 ...)``, each linked to its definition."""
    if not record.cwe and not record.asvs:
        return None
    line = nodes.paragraph(classes=["jsv-ids"])
    for index, cwe in enumerate(record.cwe):
        line += nodes.Text("Weakness: " if index == 0 else ", ")
        line += nodes.reference("", cwe, refuri=taxonomy.cwe_url(cwe), classes=["jsv-cwe"])
        line += nodes.Text(f" {taxonomy.cwe_name(cwe)}")
    for index, asvs in enumerate(record.asvs):
        line += nodes.Text(" · verifies OWASP ASVS " if index == 0 else ", ")
        line += nodes.reference("", asvs, refuri=taxonomy.asvs_url(asvs), classes=["jsv-asvs"])
        line += nodes.Text(f" ({taxonomy.asvs_section(asvs)})")
    return line


def severity_text(record: ClaimRecord) -> str:
    """``severity high`` or, for an advisory with a published rating, ``severity high (GitHub advisory
    rating: critical)``: the card says which upstream rating the severity follows."""
    upstream = record.advisory.severity if record.advisory else None
    if upstream is None:
        return f"severity {record.severity}"
    return f"severity {record.severity} ({upstream.scale_name}: {upstream.rating})"


def advisory_paragraph(advisory: Advisory) -> nodes.paragraph:
    """Ids (linked to the advisory), package, affected ranges, fixed releases, the upstream severity."""
    para = nodes.paragraph(classes=["jsv-advisory"])
    para += nodes.strong(text="Advisory: ")
    if advisory.ids:
        ids = " / ".join(advisory.ids)
        para += nodes.reference(ids, ids, refuri=advisory.url) if advisory.url else nodes.Text(ids)
    else:
        para += nodes.Text("no published advisory id")
    para += nodes.Text(f" · PyPI {advisory.package} · affected {advisory.affected_text}")
    fixed = ", ".join(advisory.fixed_releases)
    para += nodes.Text(f" · fixed in {fixed}" if fixed else " · no release fixes it")
    if advisory.severity:
        para += nodes.Text(f" · upstream severity {advisory.severity.shown}")
    else:
        para += nodes.Text(" · no upstream rating read (the severity is the site's own, docs/severity.md)")
    if not advisory.ids and advisory.url:
        para += nodes.Text(" · see ")
        para += nodes.reference(advisory.url, advisory.url, refuri=advisory.url)
    return para


def _evidence(record: ClaimRecord) -> nodes.Element:
    """The observations, in a ``<details>`` element (see ``jsv.css``/``details_visit``)."""
    details = evidence_details(classes=["jsv-evidence"])
    details += nodes.paragraph(text="Evidence: what the run observed")
    fields = nodes.field_list()
    fields += _field("Threat", record.threat)
    fields += _field("Expected", record.expected)
    control = record.negative_control
    if control == "not-applicable":
        control += f" — {record.negative_control_reason}"
    elif record.weakness:
        control += f" (the control must show: {record.weakness})"
    fields += _field("Negative control", control)
    if record.sources:
        fields += _field("Sources", ", ".join(record.sources))
    versions = ", ".join(f"{k} {v}" for k, v in record.versions.items())
    fields += _field("Ran against", versions or "—")
    fields += _field("Took", f"{record.seconds} s")
    details += fields
    details.extend(_side("Hardened", record.hardened))
    if record.control:
        details.extend(_side("Negative control", record.control))
    return details


class evidence_details(nodes.General, nodes.Element):
    """A ``<details>`` block: the first paragraph is its summary."""


def visit_details(self: Any, node: evidence_details) -> None:
    self.body.append(self.starttag(node, "details", CLASS=" ".join(node["classes"])))
    summary = node.children[0]
    self.body.append(f"<summary>{self.encode(summary.astext())}</summary>")
    node.children = node.children[1:]


def depart_details(self: Any, node: evidence_details) -> None:
    self.body.append("</details>\n")


def executed_when(executed_at: str) -> str:
    """``2026-12-07T18:05:03+00:00`` as a reader reads it: ``2026-12-07 18:05 UTC`` (the text as is if
    it is not an ISO time)."""
    try:
        when = datetime.fromisoformat(executed_at)
    except ValueError:
        return executed_at
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def render_card(record: ClaimRecord) -> nodes.container:
    """The claim as a reader sees it: statement, status, fix, then the evidence."""
    status = record.status
    card = nodes.container(classes=["jsv-claim", f"jsv-{status}"], ids=[record.id.lower()])
    heading = nodes.paragraph(classes=["jsv-claim-title"])
    heading += nodes.strong(text=record.id)
    heading += nodes.Text(f" · {record.title} · ")
    heading += nodes.inline(text=status.upper(), classes=["jsv-status", f"jsv-{status}"])
    heading += nodes.Text(" · ")
    heading += nodes.inline(text=severity_text(record), classes=["jsv-severity"])
    if record.executed_at:
        heading += nodes.Text(" · ")
        executed = f"executed {executed_when(record.executed_at)}"
        heading += nodes.inline(text=executed, classes=["jsv-executed"])
    card += heading
    card += nodes.paragraph(text=record.statement, classes=["jsv-statement"])
    ids = _ids(record)
    if ids is not None:
        card += ids
    if record.advisory:
        card += advisory_paragraph(record.advisory)
    if record.config_warnings:
        card += nodes.paragraph(text="Configuration warnings: " + "; ".join(record.config_warnings))
    card.extend(_fix(record))
    if record.notes:
        card += nodes.paragraph(text=record.notes, classes=["jsv-notes"])
    card += _evidence(record)
    holder = claim_record()
    holder["record"] = json.dumps(record.to_json())
    card += holder
    return card


class ClaimRenderPlugin:
    """myst-nb ``MimeRenderPlugin``: renders :data:`CLAIM_MIME` outputs."""

    mime_priority_overrides: ClassVar[list[tuple[str, str, int]]] = [("*", CLAIM_MIME, 1)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if inline or data.mime_type != CLAIM_MIME:
            return None
        content = data.content
        record = json.loads(content) if isinstance(content, str) else content
        return [render_card(ClaimRecord.from_json(record))]
