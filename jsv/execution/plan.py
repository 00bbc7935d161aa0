"""Which runbook pages a site build executes, as the notebooks MyST-NB will look up in its cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from jsv import settings
from jsv.claims.registry import Registry, load_registry
from jsv.pages import RUNBOOK_PREFIX, depends_files, inject_key, is_runbook, runbook_key

JOBS_ENV = settings.JOBS.name
DEFAULT_JOBS = 4
"""Four pages at a time on the project's two-core machines.  Fresh builds of the 22 pages, the same
machine and day: 750-820 s of wall at 2 (1533 s of page time; its start was not timed to the
second), 578 s at 4 in alphabetical order and 491 s at 4 longest first (1833 s of page time; the
processors about 87 % busy, so more pages at once mostly slow each page down).
``JSV_JOBS=1`` is the one-process path."""


@dataclass(frozen=True)
class PageJob:
    docname: str  # runbooks/<area>/<page>, as Sphinx names it
    path: Path
    notebook: nbformat.NotebookNode  # the notebook Sphinx will read, cache-key cell included
    expected_records: int = 0  # orders the pages no earlier run has timed (:func:`expected_records`)
    text: str = ""  # the page as written (without the key cell)
    key: dict[str, object] = field(default_factory=dict)  # its cache key (:func:`runbook_key`)


def jobs_from_env(environ: dict[str, str] | None = None) -> int:
    """The worker count of ``JSV_JOBS`` (default :data:`DEFAULT_JOBS`); bad values raise ``ValueError``."""
    raw = settings.JOBS.raw(environ) if settings.JOBS.is_set(environ) else ""
    if not raw:
        return DEFAULT_JOBS
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(
            f"{JOBS_ENV}={raw!r}: give a whole number of workers, 1 or more (1 = one page at a time)"
        )
    return int(raw)


def read_notebook(text: str, path: Path) -> nbformat.NotebookNode:
    """The page as MyST-NB reads it (text-based MyST notebook)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(text, path=str(path))


def expected_records(registry: Registry, path: Path, text: str) -> int:
    """How many claim records the page will publish: its own claims and those of the runbook pages its
    ``jsv: depends`` names (a matrix page re-runs them).  The page time of a fresh clone is unknown;
    this count orders such pages, longest first, well enough (a page's time grows with its claims)."""
    pages = {path.resolve()} | {
        found.resolve() for found in depends_files(text, path) if found.suffix == ".md"
    }
    docnames = {
        p.relative_to(registry.root).with_suffix("").as_posix()
        for p in pages
        if p.is_relative_to(registry.root)
    }
    return sum(len(registry.for_page(docname)) for docname in docnames)


def runbook_jobs(source: Path) -> list[PageJob]:
    """Every runbook page under ``source/runbooks`` with its key cell (:func:`jsv.pages.inject_key`)."""
    found = []
    registry = load_registry(source)
    for path in sorted((source / RUNBOOK_PREFIX).rglob("*.md")):
        docname = path.relative_to(source).with_suffix("").as_posix()
        if any(part.startswith((".", "_")) for part in path.relative_to(source).parts):
            continue
        text = path.read_text(encoding="utf-8")
        if not is_runbook(docname, text):
            continue
        key = runbook_key(text, path)
        keyed = inject_key(text, key)
        expected = expected_records(registry, path, text)
        found.append(PageJob(docname, path, read_notebook(keyed, path), expected, text, key))
    return found
