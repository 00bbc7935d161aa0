"""The audit's verdicts on the reference deployments, compared with the runbooks' records.

A page's :data:`~jsv.audit.reference.AUDIT_REFERENCE_MIME` output (one per
audited deployment) is rendered as one line and kept in the environment; the
``jsv-audit-reference`` directive leaves a placeholder that becomes the table
of checks × deployments once every page's claim records are known.  The build
fails on a false result (:func:`jsv.audit.reference.compare`), and the table
is written as ``audit-reference.json`` beside ``claims.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from jsv.audit.reference import (
    AUDIT_REFERENCE_MIME,
    AuditedDeployment,
    Comparison,
    ReferenceTable,
    checks_run_on,
    compare,
)
from jsv.site.collect import all_records, column_records
from jsv.site.kept import kept
from jsv.site.ledger_docs import mark_ledger_fed

REFERENCE_FILE = "audit-reference.json"


class audited_deployment(nodes.General, nodes.Element):
    """Holds one audited deployment's JSON until ``doctree-read`` collects it."""


class audit_reference_table(nodes.General, nodes.Element):
    """Placeholder replaced by the comparison table in ``doctree-resolved``."""


class AuditReferencePlugin:
    """myst-nb ``MimeRenderPlugin`` for :data:`AUDIT_REFERENCE_MIME`: one line, and the record kept."""

    mime_priority_overrides: ClassVar[list[tuple[str, str, int]]] = [("*", AUDIT_REFERENCE_MIME, 1)]

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if inline or data.mime_type != AUDIT_REFERENCE_MIME:
            return None
        content = json.loads(data.content) if isinstance(data.content, str) else data.content
        audit = AuditedDeployment.from_json(content)
        line = audit.summary
        holder = audited_deployment()
        holder["audit"] = json.dumps(audit.to_json())
        return [nodes.literal_block(text=line), holder]


def _audits(env: BuildEnvironment) -> dict[str, list[AuditedDeployment]]:
    return kept(env, "jsv_audit_reference", dict[str, list[AuditedDeployment]])


def audited_deployments(env: BuildEnvironment) -> list[AuditedDeployment]:
    return [a for docname in sorted(_audits(env)) for a in _audits(env)[docname]]


def reference_table(env: BuildEnvironment) -> ReferenceTable:
    """Every audited verdict against the runbooks' record of the same claim in the same column."""
    status = {(r.id, r.column): r.status for r in [*all_records(env), *column_records(env)]}
    return compare(audited_deployments(env), status, checks_run_on)


class AuditReferenceDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        mark_ledger_fed(self.env)
        return [audit_reference_table()]


def _cell(comparison: Comparison) -> str:
    observed = comparison.observed or "no verdict"
    if comparison.expected is None:
        return f"{observed} (not compared)"
    return observed if not comparison.false_result else f"{observed} — FALSE, expected {comparison.expected}"


def render_table(table: ReferenceTable) -> list[nodes.Node]:
    deployments = [a.deployment for a in table.deployments]
    header = [
        "check",
        *(f"{d.name} ({a.version})" for d, a in zip(deployments, table.deployments, strict=True)),
    ]
    rows = []
    for claim_id in table.claim_ids():
        row = [claim_id]
        for d in deployments:
            comparison = table.cells.get((d.name, claim_id))
            row.append(_cell(comparison) if comparison else "—")
        rows.append(row)
    summary = nodes.paragraph(
        text=f"{len(table.deployments)} deployments, {table.compared} verdicts compared with the runbooks' "
        f"records, {len(table.false_results)} false results."
    )
    table_node = nodes.table(classes=["jsv-table", "jsv-audit-reference"])
    group = nodes.tgroup(cols=len(header))
    table_node += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in header])
    body = nodes.tbody()
    for row in rows:
        body += nodes.row("", *[nodes.entry("", nodes.paragraph(text=c)) for c in row])
    group += head
    group += body
    built = nodes.bullet_list()
    for d in deployments:
        built += nodes.list_item(
            "", nodes.paragraph(text=f"{d.name}: {d.built_from} ({d.role}, column {d.column})")
        )
    return [summary, built, table_node]


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    found = []
    for node in list(doctree.findall(audited_deployment)):
        found.append(AuditedDeployment.from_json(json.loads(node["audit"])))
        node.parent.remove(node)
    if found:
        _audits(app.env)[app.env.docname] = found
    else:
        _audits(app.env).pop(app.env.docname, None)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _audits(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _audits(other):
            _audits(env)[docname] = _audits(other)[docname]


def _consistency(app: Sphinx, env: BuildEnvironment) -> None:
    false = reference_table(env).false_results
    if false:
        first = false[0]
        raise ExtensionError(
            f"jsv audit gave {len(false)} false result(s) on the reference deployments; first: "
            f"{first.claim_id} on {first.deployment.name}: {first.observed or 'no verdict'}, the runbooks' "
            f"record predicts {first.expected} (see the page that audited it)"
        )


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(audit_reference_table)):
        table = reference_table(app.env)
        node.replace_self(render_table(table) if table.deployments else [nodes.paragraph(text="(not run)")])


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    table = reference_table(app.env)
    if not table.deployments:
        return
    data = {
        "deployments": [a.to_json() for a in table.deployments],
        "compared": table.compared,
        "false_results": len(table.false_results),
        "cells": [
            {
                "deployment": name,
                "claim": claim_id,
                "expected": c.expected,
                "observed": c.observed,
                "kind": c.kind,
            }
            for (name, claim_id), c in sorted(table.cells.items())
        ],
    }
    Path(app.outdir, REFERENCE_FILE).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.add_node(audited_deployment)
    app.add_node(audit_reference_table)
    app.add_directive("jsv-audit-reference", AuditReferenceDirective)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _consistency)
    app.connect("doctree-resolved", _resolve)
    app.connect("build-finished", _write)
