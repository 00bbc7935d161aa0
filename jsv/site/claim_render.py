"""MyST-NB mime renderer: a claim output becomes a claim card plus a ledger record.

Registered through the ``myst_nb.mime_renderers`` entry point (pyproject).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from docutils import nodes

from jsv.claims.display import CLAIM_MIME


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


def _side(label: str, side: dict[str, Any]) -> list[nodes.Node]:
    verdict = "check passed" if side["check_passed"] else "check failed"
    title = nodes.paragraph()
    title += nodes.strong(text=f"{label} — {side['environment']}: ")
    title += nodes.Text(f"observed {side['observed']} ({verdict})")
    out: list[nodes.Node] = [title]
    if side["configuration"]:
        out.append(_literal(side["configuration"], "text"))
    out.append(_literal(side["transcript"], "console"))
    return out


def render_card(record: dict[str, Any]) -> nodes.container:
    """The claim as a reader sees it: statement, threat, both sides, the fix."""
    status = record["status"]
    card = nodes.container(classes=["jsv-claim", f"jsv-{status}"], ids=[record["id"].lower()])
    heading = nodes.paragraph(classes=["jsv-claim-title"])
    heading += nodes.strong(text=record["id"])
    heading += nodes.Text(f" · {record['title']} · ")
    heading += nodes.inline(text=status.upper(), classes=["jsv-status", f"jsv-{status}"])
    card += heading
    card += nodes.paragraph(text=record["statement"])
    fields = nodes.field_list()
    fields += _field("Threat", record["threat"])
    fields += _field("Expected", record["expected"])
    control = record["negative_control"]
    if control == "not-applicable":
        control += f" — {record['negative_control_reason']}"
    fields += _field("Negative control", control)
    if record["sources"]:
        fields += _field("Sources", ", ".join(record["sources"]))
    versions = ", ".join(f"{k} {v}" for k, v in record["versions"].items())
    fields += _field("Ran against", versions or "—")
    fields += _field("Took", f"{record['seconds']} s")
    card += fields
    card.extend(_side("Hardened", record["hardened"]))
    if record["control"]:
        card.extend(_side("Negative control", record["control"]))
    fix = nodes.paragraph()
    fix += nodes.strong(text="Fix")
    fix += nodes.Text(f" ({record['fix']['where']}):")
    card += fix
    card += _literal(record["fix"]["code"], record["fix"]["language"])
    if record.get("notes"):
        card += nodes.paragraph(text=record["notes"], classes=["jsv-notes"])
    holder = claim_record()
    holder["record"] = json.dumps(record)
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
        return [render_card(record)]
