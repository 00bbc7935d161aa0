"""The ``claim`` role: ``{claim}`SU-01``` in prose renders the id with its status, linked to its card.

An id the registry does not hold fails the build (one line naming the page),
so threat-model pages cannot cite a claim that does not exist.  The link and
status are filled in ``doctree-resolved``, once every page's records are known.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from jsv.site.collect import record_of, registry
from jsv.site.ledger_docs import mark_ledger_fed

logger = logging.getLogger(__name__)


class claim_ref(nodes.General, nodes.Inline, nodes.Element):
    """Placeholder for one claim reference."""


class ClaimRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        claim_id = self.text.strip()
        if claim_id not in registry(self.env.app).claims:
            # a warning with the page's location; the build runs with -W, so it fails on it
            logger.warning(
                "{claim}`%s` names a claim that is not in the registry",
                claim_id,
                location=self.get_location(),
            )
            return [nodes.literal(text=claim_id)], []
        mark_ledger_fed(self.env)
        return [claim_ref(claim_id=claim_id)], []


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(claim_ref)):
        claim_id = node["claim_id"]
        record = record_of(app.env, claim_id)
        if record is None:  # registered, but its page was not built (a partial build)
            node.replace_self(nodes.literal(text=claim_id))
            continue
        target, _, anchor = record.page.partition(".html#")
        uri = app.builder.get_relative_uri(docname, target) + "#" + anchor
        reference = nodes.reference(
            "", "", refuri=uri, classes=["jsv-claim-ref", f"jsv-{record.status}"], reftitle=record.title
        )
        reference += nodes.literal(text=claim_id)
        reference += nodes.Text(f" ({record.status})")
        node.replace_self(reference)


def setup(app: Sphinx) -> None:
    app.add_node(claim_ref)
    app.add_role("claim", ClaimRole())
    app.connect("doctree-resolved", _resolve)
