"""When the pages fed by the ledger are read again: only when what feeds them can have changed.

Claim tables, the matrix, checklists, attack-surface tables and every ``{claim}``
reference are filled from the claim records of the runbook pages (and from the
registry, the package's data and its rendering code).  Such a page is read, and so
written, again when a runbook page is read, added or removed in this build (its
records may differ), or when a file of the ``jsv`` package changed (registry
loading, data, rendering).  A warm build with nothing changed re-reads none of
them (it used to re-read all 17 on every build).
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from jsv.pages import RUNBOOK_PREFIX
from jsv.site import imports
from jsv.site.kept import keep, kept


def mark_ledger_fed(env: BuildEnvironment) -> None:
    """Record that the page being read shows something taken from the claim records."""
    kept(env, "jsv_table_docs", set[str]).add(env.docname)


def _ledger_fed(env: BuildEnvironment) -> set[str]:
    return set(getattr(env, "jsv_table_docs", set()))


def package_digest() -> str:
    """sha256 of every file of the ``jsv`` package (code and data), by path (:func:`imports.digest_of`)."""
    files = {p for p in imports.PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    return imports.digest_of(files)


def _outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    package = package_digest()
    runbook_removed = any(name.startswith(RUNBOOK_PREFIX) for name in removed)
    if package == getattr(env, "jsv_package_digest", None) and not runbook_removed:
        return []
    keep(env, "jsv_package_digest", package)
    return sorted(_ledger_fed(env) - removed)


def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if any(name.startswith(RUNBOOK_PREFIX) for name in docnames):
        docnames.extend(sorted(_ledger_fed(env) - set(docnames)))


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", _outdated)
    app.connect("env-before-read-docs", _before_read)
