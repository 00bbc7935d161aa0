"""Sphinx extension: claim cards, ledger collection, claims and coverage tables."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    from jsv.site import (
        audit_reference,
        cache_key,
        changes,
        checklists,
        claim_render,
        collect,
        ledger_docs,
        osv,
        purge,
        roles,
        surface,
        tables,
    )

    app.add_node(
        claim_render.evidence_details,
        html=(claim_render.visit_details, claim_render.depart_details),
        text=(lambda self, node: None, lambda self, node: None),
    )
    cache_key.setup(app)
    ledger_docs.setup(app)
    collect.setup(app)
    osv.setup(app)  # OSV records of the ADV claims, beside claims.json
    roles.setup(app)
    checklists.setup(app)
    changes.setup(app)
    tables.setup(app)
    surface.setup(app)
    audit_reference.setup(app)
    purge.setup(app)
    app.add_css_file("jsv.css")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
