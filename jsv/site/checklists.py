"""``jsv-checklist``: every fix of a deployment, grouped by the file it goes into.

Read from the claim registry (what a reader applies) with each claim's status
from the ledger (whether this build verified it).  With ``:assemble:
<file>`` the directive also publishes one complete file, assembled from all
the deployment's fixes for that file in claim order
(:func:`jsv.claims.checklist.assembled_config`), as a download; the runbooks
``runbooks/checklists/*`` start one environment from exactly that text.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from jsv.claims.checklist import ASSEMBLED_FILES, assembled_config, claims_of
from jsv.claims.model import AREAS, Claim
from jsv.site.claim_render import _literal
from jsv.site.collect import registry
from jsv.site.ledger_docs import mark_ledger_fed
from jsv.site.roles import claim_ref


class Checklist(SphinxDirective):
    option_spec = {"areas": directives.unchanged_required, "assemble": directives.unchanged}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        mark_ledger_fed(self.env)
        areas = self.options["areas"].split()
        claims = claims_of(registry(self.env.app), areas)
        out: list[nodes.Node] = []
        assemble = self.options.get("assemble", "")
        if assemble:
            name = f"{'-'.join(a.lower() for a in areas)}-{assemble}"
            para = nodes.paragraph()
            para += nodes.Text("All of this deployment's ")
            para += nodes.literal(text=assemble)
            para += nodes.Text(" fixes in one file: ")
            para += nodes.reference(
                "", name, refuri=f"../_static/checklists/{name}", classes=["jsv-download"]
            )
            para += nodes.Text(" (shown below).")
            out.append(para)
            out.append(_literal(assembled_config(claims, assemble), "python"))
        by_file: dict[str, list[Claim]] = {}
        for claim in claims:
            by_file.setdefault(claim.fix.place, []).append(claim)
        for place, group in by_file.items():
            section = nodes.section(ids=[nodes.make_id(f"{self.env.docname}-{place}")])
            section += nodes.title(text=place)
            for claim in group:
                item = nodes.paragraph()
                item += claim_ref(claim_id=claim.id)
                item += nodes.Text(f" — {claim.title} (severity {claim.severity})")
                if claim.applies_when:
                    item += nodes.emphasis(text=f" — only if {claim.applies_when}")
                section += item
                section += _literal(claim.fix.code, claim.fix.language)
            out.append(section)
        if not claims:
            out.append(nodes.paragraph(text=f"No claims yet for {', '.join(AREAS[a] for a in areas)}."))
        return out


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    reg = registry(app)
    folder = Path(app.outdir, "_static", "checklists")
    folder.mkdir(parents=True, exist_ok=True)
    for name, (areas, file) in ASSEMBLED_FILES.items():
        (folder / name).write_text(assembled_config(claims_of(reg, areas), file), encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.add_directive("jsv-checklist", Checklist)
    app.connect("build-finished", _write)
