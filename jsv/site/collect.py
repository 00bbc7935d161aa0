"""Collect claim records from executed pages into the environment; write ``claims.json``.

Records live in the pickled Sphinx environment, so a warm rebuild that
executes nothing still publishes the full ledger.  The build fails on a failed
claim, a duplicate id or a record that does not match the ledger schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError

from jsv.ledger import build_ledger, validate_record
from jsv.site.claim_render import claim_record

LEDGER_FILE = "claims.json"


def records_by_doc(env: BuildEnvironment) -> dict[str, list[dict[str, Any]]]:
    if not hasattr(env, "jsv_claims"):
        env.jsv_claims = {}
    return env.jsv_claims


def all_records(env: BuildEnvironment) -> list[dict[str, Any]]:
    return [r for docname in sorted(records_by_doc(env)) for r in records_by_doc(env)[docname]]


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    found = []
    for node in list(doctree.findall(claim_record)):
        record = json.loads(node["record"])
        record["page"] = f"{env.docname}.html#{record['id'].lower()}"
        found.append(record)
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
    for record in all_records(env):
        if record["id"] in seen:
            raise ExtensionError(
                f"claim id {record['id']} appears twice: {seen[record['id']]} "
                f"and {record['page']}; ids are unique and never reused"
            )
        seen[record["id"]] = record["page"]
        problems = validate_record(record)
        if problems:
            raise ExtensionError(f"ledger entry {record['id']} is malformed: {'; '.join(problems)}")
        if record["status"] == "failed":
            raise ExtensionError(f"claim {record['id']} failed ({record['page']}): {record['evidence']}")


def page_runtimes(env: BuildEnvironment) -> dict[str, float]:
    """Execution seconds per executed page, as MyST-NB recorded them."""
    from myst_nb.sphinx_ import NbMetadataCollector

    runtimes = {}
    for docname in records_by_doc(env):
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data and data.get("runtime") is not None:
            runtimes[docname + ".html"] = round(float(data["runtime"]), 1)
    return runtimes


def _write_ledger(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    ledger = build_ledger(all_records(app.env), page_runtimes(app.env))
    Path(app.outdir, LEDGER_FILE).write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.add_node(claim_record)
    app.connect("doctree-read", _doctree_read)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _consistency)
    app.connect("build-finished", _write_ledger)
