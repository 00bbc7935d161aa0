"""Collect claim records from executed pages into the environment; write ``claims.json``.

Records live in the pickled Sphinx environment, so a warm rebuild that
executes nothing still publishes the full ledger.  The build fails on a failed
claim, a duplicate id, a record that does not match the ledger schema, and on
any difference between the registry and what the pages ran: a registered
claim that no page verified, or a verified claim the registry does not hold.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError

from jsv.claims.record import ClaimRecord
from jsv.claims.registry import Registry, RegistryError, load_registry
from jsv.claims.verify import failures_recorded
from jsv.columns import PINNED
from jsv.ledger import build_ledger, validate_record
from jsv.site.claim_render import claim_record
from jsv.site.kept import kept

LEDGER_FILE = "claims.json"


def registry(app: Sphinx) -> Registry:
    """The registry of the site's source tree, loaded once per build."""

    def load() -> Registry:
        try:
            return load_registry(Path(app.srcdir))
        except RegistryError as error:
            raise ExtensionError(str(error)) from None

    return kept(app, "jsv_registry", load)


def records_by_doc(env: BuildEnvironment) -> dict[str, list[ClaimRecord]]:
    return kept(env, "jsv_claims", dict[str, list[ClaimRecord]])


def _every_record(env: BuildEnvironment) -> list[ClaimRecord]:
    return [r for docname in sorted(records_by_doc(env)) for r in records_by_doc(env)[docname]]


def all_records(env: BuildEnvironment) -> list[ClaimRecord]:
    """The site's claims: one record per claim, of the pinned column."""
    return [r for r in _every_record(env) if r.column == PINNED]


def column_records(env: BuildEnvironment) -> list[ClaimRecord]:
    """The matrix's second records: the same claims run in other columns (:mod:`jsv.columns`)."""
    return [r for r in _every_record(env) if r.column != PINNED]


def record_of(env: BuildEnvironment, claim_id: str) -> ClaimRecord | None:
    return next((r for r in all_records(env) if r.id == claim_id), None)


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    found = []
    for node in list(doctree.findall(claim_record)):
        record = ClaimRecord.from_json(json.loads(node["record"]))
        found.append(record.on_page(f"{env.docname}.html#{record.id.lower()}"))
        node.parent.remove(node)
    records_by_doc(env)[env.docname] = found
    if not found:
        del records_by_doc(env)[env.docname]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    records_by_doc(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in records_by_doc(other):
            records_by_doc(env)[docname] = records_by_doc(other)[docname]


def _consistency(app: Sphinx, env: BuildEnvironment) -> None:
    seen: dict[str, str] = {}
    registered = registry(app)
    for record in all_records(env):
        if record.id in seen:
            raise ExtensionError(
                f"claim id {record.id} appears twice: {seen[record.id]} "
                f"and {record.page}; ids are unique and never reused"
            )
        seen[record.id] = record.page
        problems = validate_record(record.to_json())
        if problems:
            raise ExtensionError(f"ledger entry {record.id} is malformed: {'; '.join(problems)}")
        if record.id not in registered.claims:
            raise ExtensionError(f"claim {record.id} ran on {record.page} but is not in the registry")
        if registered.pages[record.id] != record.docname:
            raise ExtensionError(
                f"claim {record.id} ran on {record.page} but is registered for {registered.pages[record.id]}"
            )
        if record.status == "failed" and not failures_recorded():
            raise ExtensionError(f"claim {record.id} failed ({record.page}): {record.evidence}")
    _column_consistency(env, registered)
    built = set(env.found_docs)
    missing = sorted(i for i, page in registered.pages.items() if i not in seen and page in built)
    if missing:
        raise ExtensionError(
            f"claim {missing[0]} is registered for {registered.pages[missing[0]]} but the page did not "
            f"verify it ({len(missing)} missing: {', '.join(missing[:8])})"
        )


def _column_consistency(env: BuildEnvironment, registered: Registry) -> None:
    """A column's records are well-formed, once per claim and column, of registered claims; a failed one is
    a finding about that column's release (shown on the matrix page), not a failure of the build."""
    seen: dict[tuple[str, str], str] = {}
    for record in column_records(env):
        key = (record.id, record.column)
        if key in seen:
            raise ExtensionError(
                f"claim {record.id} has two records in column {record.column}: {seen[key]} and {record.page}"
            )
        seen[key] = record.page
        problems = validate_record(record.to_json())
        if problems:
            raise ExtensionError(f"{record.column} record of {record.id} is malformed: {'; '.join(problems)}")
        if record.id not in registered.claims:
            raise ExtensionError(f"claim {record.id} ran on {record.page} but is not in the registry")


def page_runtimes(env: BuildEnvironment) -> dict[str, float]:
    """Seconds per executed page, with or without claims (the shards balance on them), from MyST-NB."""
    from myst_nb.sphinx_ import NbMetadataCollector

    runtimes = {}
    for docname in sorted(env.found_docs):
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data and data.get("runtime") is not None:
            runtimes[docname + ".html"] = round(float(data["runtime"]), 1)
    return runtimes


def _write_ledger(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    ledger = build_ledger(all_records(app.env), page_runtimes(app.env), column_records(app.env))
    Path(app.outdir, LEDGER_FILE).write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.add_node(claim_record)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _consistency)
    app.connect("build-finished", _write_ledger)
