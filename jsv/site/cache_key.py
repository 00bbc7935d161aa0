"""Make MyST-NB's execution cache key cover the images and the package a runbook uses.

On ``source-read`` a hidden code cell holding the page's key (:func:`jsv.pages.page_key`: the
content-hashed image tags, a digest of the ``jsv`` modules the page transitively imports, and of the
page's claim registry file) is inserted after the front matter, so jupyter-cache (which hashes code
cells) re-executes a page exactly when one of its images or the machinery it uses changed.
``env-get-outdated`` re-reads pages whose key changed although their text did not.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from jsv.pages import inject_key, is_runbook, page_key
from jsv.site.kept import kept


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if not is_runbook(docname, source[0]):
        return
    key = page_key(source[0], Path(app.env.doc2path(docname)))
    keys(app.env)[docname] = key
    source[0] = inject_key(source[0], key)


def keys(env: BuildEnvironment) -> dict[str, dict[str, object]]:
    return kept(env, "jsv_runbook_keys", dict)


def _outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    stale = []
    for docname, old in keys(env).items():
        if docname in removed or docname in changed:
            continue
        page = Path(env.doc2path(docname))
        if page_key(page.read_text(encoding="utf-8"), page) != old:
            stale.append(docname)
    return stale


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in keys(other):
            keys(env)[docname] = keys(other)[docname]


def setup(app: Sphinx) -> None:
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-merge-info", _merge)
