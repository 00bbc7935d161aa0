"""Which runbook pages a site build executes, as the notebooks MyST-NB will look up in its cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from jsv.site.cache_key import RUNBOOK_PREFIX, inject_key, is_runbook, runbook_key

JOBS_ENV = "JSV_JOBS"
DEFAULT_JOBS = 2
"""Two pages at a time on the project's two-core machines: a fresh build of the 22 pages took 1060 s
of wall time for 1940 s of page time (1.8x), every page passing, with load average about 3 (the
pages mostly wait on servers and schedulers); ``JSV_JOBS=1`` is the one-process path."""


@dataclass(frozen=True)
class PageJob:
    docname: str  # runbooks/<area>/<page>, as Sphinx names it
    path: Path
    notebook: nbformat.NotebookNode  # the notebook Sphinx will read, cache-key cell included


def jobs_from_env(environ: dict[str, str] | None = None) -> int:
    """The worker count of ``JSV_JOBS`` (default :data:`DEFAULT_JOBS`); bad values raise ``ValueError``."""
    raw = (environ if environ is not None else os.environ).get(JOBS_ENV, "").strip()
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


def runbook_jobs(source: Path) -> list[PageJob]:
    """Every runbook page under ``source/runbooks`` with the key cell :mod:`jsv.site.cache_key` injects."""
    found = []
    for path in sorted((source / RUNBOOK_PREFIX).rglob("*.md")):
        docname = path.relative_to(source).with_suffix("").as_posix()
        if any(part.startswith((".", "_")) for part in path.relative_to(source).parts):
            continue
        text = path.read_text(encoding="utf-8")
        if not is_runbook(docname, text):
            continue
        keyed = inject_key(text, runbook_key(text, path))
        found.append(PageJob(docname, path, read_notebook(keyed, path)))
    return found
