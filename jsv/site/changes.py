"""``jsv-changes`` and ``changes.atom``: what changed since the previous published ledger.

The comparison is the project's drift comparison (:func:`jsv.drift.compare`):
each claim whose status, negative-control result or (masked) observation
changed, each claim added or no longer run, each component whose version moved.
It compares this build's records with the previous published ledger: the
``claims.json`` named by ``jsv_previous_ledger`` (``JSV_PREVIOUS_LEDGER`` in
``conf.py``), else the one the last build left in the output directory, read
when the build starts (before this build overwrites it).  Without one, the page
says so and the feed holds only the entries it carried before.

The page (``docs/changes.md``) is read again on every build (its content
depends on a file outside the sources); its placeholder is filled in
``doctree-resolved``, when every page's claims are known.  The feed is written
next to ``claims.json``; it keeps the entries of the previous feed (the
``changes.atom`` beside the previous ledger) after this build's, so a
subscriber sees every build that changed something.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from jsv import settings
from jsv.claims.record import ClaimRecord
from jsv.drift import Change, compare
from jsv.site.collect import LEDGER_FILE, all_records
from jsv.site.kept import keep, kept

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "changes.atom"
PAGE = "docs/changes.html"
KEEP_ENTRIES = 50


@dataclass(frozen=True)
class Previous:
    """The previous published ledger: where it was read from, when it was generated, its records."""

    path: Path
    generated: str
    records: dict[str, ClaimRecord]
    entries: list[ET.Element]
    """The entries of the feed published beside it (newest first), carried into this build's feed."""


def previous_ledger_path(configured: str, outdir: Path) -> Path:
    """The configured ledger, else the one the last build left in ``outdir``."""
    return Path(configured) if configured else Path(outdir) / LEDGER_FILE


def load_previous(path: Path) -> Previous | None:
    """The ledger at ``path`` and the feed beside it, or None when there is no readable ledger."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = {entry["id"]: ClaimRecord.from_json(entry) for entry in data["claims"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Previous(path, str(data.get("generated", "")), records, feed_entries(path.parent / FEED_FILE))


def feed_entries(feed: Path) -> list[ET.Element]:
    """The ``<entry>`` elements of an Atom feed file; none if it is missing or not an Atom feed."""
    try:
        root = ET.fromstring(feed.read_bytes())
    except (OSError, ET.ParseError):
        return []
    if root.tag != f"{{{ATOM}}}feed":
        return []
    return root.findall(f"{{{ATOM}}}entry")


def describe(change: Change) -> tuple[str, str, str, str]:
    """(what, aspect, before, after) of one change, in the page's and the feed's words."""
    if change.claim_id == "*":
        component = change.aspect.removeprefix("version of ")
        return component, "version", change.pinned, change.latest
    if change.aspect == "ran":
        before = "run" if change.pinned == "True" else "not in the ledger"
        after = "run" if change.latest == "True" else "no longer run"
        return change.claim_id, "claim", before, after
    return change.claim_id, change.aspect, change.pinned or "—", change.latest or "—"


def summary(changes: list[Change]) -> str:
    claims = len({c.claim_id for c in changes if c.claim_id != "*"})
    versions = sum(c.claim_id == "*" for c in changes)
    return f"{claims} claim(s) changed, {versions} version(s) moved"


def change_lines(changes: list[Change]) -> list[str]:
    return [
        f"{what}: {aspect}: {before} -> {after}" for what, aspect, before, after in map(describe, changes)
    ]


def atom_feed(
    changes: list[Change] | None,
    *,
    site_url: str,
    title: str,
    updated: str,
    since: str = "",
    carried: list[ET.Element] | None = None,
) -> str:
    """The Atom document: this build's entry (when ``changes`` is a non-empty list), then ``carried``.

    ``changes`` is None when there was no previous ledger to compare with (no entry for this build).
    """
    base = site_url if site_url.endswith("/") else site_url + "/"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element("feed", {"xmlns": ATOM})  # children unqualified: the default namespace is Atom's
    sub(feed, "id", base + FEED_FILE)
    sub(feed, "title", f"{title}: what changed")
    sub(
        feed,
        "subtitle",
        "Claims whose status, negative control or observation changed between two "
        "published builds, and components whose version moved",
    )
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", title)
    sub(feed, "link", rel="self", href=base + FEED_FILE, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=base + PAGE, type="text/html")
    entries: list[ET.Element] = []
    if changes:
        entry = ET.Element("entry")
        sub(entry, "id", f"{base}{PAGE}#build-{updated}")
        sub(entry, "title", f"Build of {updated}: {summary(changes)}")
        sub(entry, "updated", updated)
        sub(entry, "link", rel="alternate", href=base + PAGE, type="text/html")
        since_text = f"Since the ledger generated {since}:\n" if since else ""
        sub(entry, "content", since_text + "\n".join(change_lines(changes)), type="text")
        entries.append(entry)
    seen = {e.findtext("id") for e in entries}
    for old in map(_unqualified, carried or []):
        if old.findtext("id") not in seen:
            entries.append(old)
            seen.add(old.findtext("id"))
    feed.extend(entries[:KEEP_ENTRIES])
    ET.indent(feed)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _unqualified(element: ET.Element) -> ET.Element:
    """A copy of a parsed Atom element with the namespace taken off its tags (the feed declares it once)."""
    copy = ET.Element(element.tag.removeprefix(f"{{{ATOM}}}"), dict(element.attrib))
    copy.text, copy.tail = element.text, None
    for child in element:
        copy.append(_unqualified(child))
        copy[-1].tail = None
    return copy


# --- Sphinx ---------------------------------------------------------------------------------------


class changes_list(nodes.General, nodes.Element):
    """Placeholder replaced by the comparison in ``doctree-resolved``."""


class ChangesDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        kept(self.env, "jsv_changes_docs", set[str]).add(self.env.docname)
        return [changes_list()]


def _build_started(app: Sphinx) -> None:
    keep(app, "jsv_build_time", datetime.now(UTC).isoformat(timespec="seconds"))
    path = previous_ledger_path(app.config.jsv_previous_ledger, Path(app.outdir))
    keep(app, "jsv_previous", load_previous(path))


def _current(app: Sphinx) -> dict[str, ClaimRecord]:
    return {record.id: record for record in all_records(app.env)}


def _changes(app: Sphinx) -> list[Change] | None:
    previous = getattr(app, "jsv_previous", None)
    return None if previous is None else compare(previous.records, _current(app))


def _always_read(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    return sorted(set(getattr(env, "jsv_changes_docs", set())) & set(env.found_docs) - removed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "jsv_changes_docs", set()).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    kept(env, "jsv_changes_docs", set[str]).update(set(getattr(other, "jsv_changes_docs", set())) & docnames)


def _claim_cell(app: Sphinx, fromdoc: str, claim_id: str, current: dict[str, ClaimRecord]) -> nodes.Node:
    record = current.get(claim_id)
    if record is None or ".html#" not in record.page:
        return nodes.literal(text=claim_id)
    docname, _, anchor = record.page.partition(".html#")
    uri = app.builder.get_relative_uri(fromdoc, docname) + "#" + anchor
    return nodes.reference("", claim_id, refuri=uri)


def _content(app: Sphinx, fromdoc: str) -> list[nodes.Node]:
    previous = getattr(app, "jsv_previous", None)
    if previous is None:
        return [
            nodes.paragraph(
                text="There is no previous published ledger to compare this build with (this is the first "
                "build here, or JSV_PREVIOUS_LEDGER names no readable claims.json), so nothing is listed."
            )
        ]
    changes = compare(previous.records, _current(app))
    since = previous.generated or "at an unknown time"
    intro = nodes.paragraph(
        text=f"This build ({kept(app, 'jsv_build_time', str)}) compared with the previous published ledger, "
        f"generated {since}: {summary(changes)}."
    )
    if not changes:
        return [
            intro,
            nodes.paragraph(
                text="No change: every claim has the same status, negative control and observations, "
                "every component the same version."
            ),
        ]
    current = _current(app)
    table = nodes.table(classes=["jsv-table", "jsv-changes"])
    group = nodes.tgroup(cols=4)
    table += group
    for width in (14, 22, 32, 32):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    headers = ("Claim or component", "What", "Before", "Now")
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in headers])
    body = nodes.tbody()
    group += body
    for change in changes:
        what, aspect, before, after = describe(change)
        first = _claim_cell(app, fromdoc, what, current) if change.claim_id != "*" else nodes.Text(what)
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph("", "", first))
        for text in (aspect, before, after):
            row += nodes.entry("", nodes.paragraph(text=text))
        body += row
    return [intro, table]


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(changes_list)):
        node.replace_self(_content(app, docname))


def site_url() -> str:
    """Where the site is published (the feed's ids and links): ``JSV_SITE_URL``, as ``jsv audit`` reads it."""
    return settings.SITE_URL.raw()


def _write_feed(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    previous = getattr(app, "jsv_previous", None)
    text = atom_feed(
        _changes(app),
        site_url=site_url(),
        title=app.config.project or "Jupyter Security, Verified",
        updated=getattr(app, "jsv_build_time", datetime.now(UTC).isoformat(timespec="seconds")),
        since=previous.generated if previous else "",
        carried=previous.entries if previous else [],
    )
    Path(app.outdir, FEED_FILE).write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.add_config_value("jsv_previous_ledger", "", "", types=[str])  # the page is read again on every build
    app.add_node(changes_list)
    app.add_directive("jsv-changes", ChangesDirective)
    app.connect("builder-inited", _build_started)
    app.connect("env-get-outdated", _always_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _resolve)
    app.connect("build-finished", _write_feed)
