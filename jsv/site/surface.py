"""The ``jsv-attack-surface`` directive and ``attack-surface.json``.

The inventory is read once per build from the pinned environments
(:func:`jsv.surface.enumerate.enumerate_all`, cached by image tag), matched
with its reviews, and any unreviewed or stale item fails the build with one
line naming it, as does a review whose quoted code the installed release no
longer has (:mod:`jsv.surface.quotes`).  ``.. jsv-attack-surface:: jupyterhub`` renders a component's
table with its claim ids linked (through the ``claim`` role's resolver).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from jsv.site.collect import registry
from jsv.site.kept import keep, kept
from jsv.site.ledger_docs import mark_ledger_fed
from jsv.site.roles import claim_ref
from jsv.surface.enumerate import enumerate_all
from jsv.surface.model import ReviewedItem
from jsv.surface.quotes import check_quotes
from jsv.surface.review import SurfaceError, load_reviews, review

SURFACE_FILE = "attack-surface.json"


def surface(app: Sphinx) -> dict[str, list[ReviewedItem]]:
    """Every component's reviewed items; raises ExtensionError listing every unreviewed item."""
    if not hasattr(app, "jsv_surface"):
        known = set(registry(app).claims)
        found: dict[str, list[ReviewedItem]] = {}
        versions = keep(app, "jsv_surface_versions", dict[str, dict[str, str]]())
        problems: list[str] = []
        try:
            cache = Path(app.outdir).parent / ".jsv-surface"
            for inventory in enumerate_all(cache):
                reviews = load_reviews(inventory.component)
                items, issues = review(inventory, reviews, known)
                issues += check_quotes(inventory.component, reviews, cache)
                found[inventory.component] = items
                versions[inventory.component] = {
                    **inventory.versions,
                    "image": inventory.environment,
                }
                problems.extend(issues)
        except SurfaceError as error:
            raise ExtensionError(str(error)) from None
        if problems:
            raise ExtensionError("attack surface:\n" + "\n".join(problems))
        keep(app, "jsv_surface", found)
    return kept(app, "jsv_surface", dict[str, list[ReviewedItem]])


def _cell(content: nodes.Node | str) -> nodes.entry:
    entry = nodes.entry()
    entry += content if isinstance(content, nodes.Node) else nodes.paragraph(text=content)
    return entry


def _verdict(item: ReviewedItem) -> nodes.paragraph:
    para = nodes.paragraph()
    if item.review.claims:
        for index, claim_id in enumerate(item.review.claims):
            if index:
                para += nodes.Text(", ")
            para += claim_ref(claim_id=claim_id)
    else:
        para += nodes.Text(item.review.reason)
        for index, quote in enumerate(item.review.quotes):  # checked against the installed file this build
            para += nodes.Text(" Quoted: " if index == 0 else "; ")
            para += nodes.literal(text=f"{quote.file} {quote.function}".strip())
    return para


class AttackSurfaceTable(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        component = self.arguments[0]
        items = surface(self.env.app).get(component)
        if items is None:
            raise self.error(f"jsv-attack-surface: unknown component {component!r}")
        mark_ledger_fed(self.env)
        headers = ["methods", "route or command", "reachable by", "input", "writes", "verdict"]
        table = nodes.table(classes=["jsv-attack-surface"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (8, 30, 18, 16, 6, 32):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        row = nodes.row()
        for header in headers:
            row += _cell(header)
        head += row
        group += head
        body = nodes.tbody()
        for item in items:
            row = nodes.row()
            row += _cell(" ".join(item.item.methods) or "command")
            shown = {
                "route": item.item.pattern,
                "call": f"{item.item.handler} in {item.item.pattern}",
            }.get(item.item.kind, f"{item.item.pattern} = {item.item.handler}")
            row += _cell(nodes.paragraph("", "", nodes.literal(text=shown)))
            row += _cell(", ".join(item.review.reachable_by))
            row += _cell(item.review.input)
            row += _cell("yes" if item.review.changes_state else "no")
            row += _cell(_verdict(item))
            body += row
        group += body
        version = items[0].item.version if items else ""
        intro = nodes.paragraph(
            text=f"{len(items)} items of {component}, read from {version} in this build; 0 unreviewed."
        )
        return [intro, table]


def _write_json(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.jsv_attack_surface:
        return
    found = surface(app)
    payload: dict[str, Any] = {
        "components": {
            name: {
                "versions": kept(app, "jsv_surface_versions", dict[str, dict[str, str]])[name],
                "items": len(items),
            }
            for name, items in found.items()
        },
        "items": [item.to_json() for items in found.values() for item in items],
    }
    (Path(app.outdir) / SURFACE_FILE).write_text(json.dumps(payload, indent=1))


def setup(app: Sphinx) -> None:
    # The site sets it; fixture sites (their own small registries) publish no attack surface.
    app.add_config_value("jsv_attack_surface", False, "env")
    app.add_directive("jsv-attack-surface", AttackSurfaceTable)
    app.connect("build-finished", _write_json)
