"""What a runbook page is, for every part of the build: its front matter, its images, and its key.

A runbook lists its environments in its front matter::

    jsv:
      images: [single-user, net-client]
      depends: ["../hub/*.claims.yaml"]

Its *key* is what its execution depends on besides its text: the content-hashed image tags, a digest of
the ``jsv`` modules its cells (transitively) import, and its claims files.  The execution pool
(:mod:`jsv.execution.plan`) and the Sphinx hooks (:mod:`jsv.site.cache_key`) both read pages through this
module, so neither imports the other.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

import yaml

from jsv import settings

RUNBOOK_PREFIX = "runbooks/"
KEYS_FILE_ENV = settings.RUNBOOK_KEYS.name
"""A JSON file of the keys ``python -m jsv site`` computed for its pre-execution, so that the Sphinx
run right after it does not compute each page's key (images, module closure, claims) a second time."""
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def _code_cells(source: str, page: Path) -> list[str]:
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(source, path=str(page))
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def package_digest(source: str, page: Path) -> str:
    """sha256 of the ``jsv`` files the page's code cells (transitively) import (:mod:`jsv.site.imports`),
    and those of the pages its ``jsv: depends`` names (a matrix page runs them: their imports are its)."""
    from jsv.site.imports import cell_imports, closure, digest_of

    cells = _code_cells(source, page)
    for other in sorted(set(depends_files(source, page))):
        if other.suffix == ".md" and other.resolve() != page.resolve():
            cells += _code_cells(other.read_text(encoding="utf-8"), other)
    return digest_of(closure(cell_imports(cells)))


def _meta(source: str) -> dict[str, list[str]]:
    """The ``jsv:`` mapping of a page's front matter."""
    match = _FRONT_MATTER.match(source)
    if not match:
        return {}
    return (yaml.safe_load(match.group(1)) or {}).get("jsv") or {}


def images_of(source: str) -> list[str]:
    return list(_meta(source).get("images", []))


def depends_of(source: str) -> list[str]:
    """The globs of the page's ``jsv: depends:`` (relative to the page)."""
    return list(_meta(source).get("depends", []))


def depends_files(source: str, page: Path) -> list[Path]:
    """The files those globs name, glob by glob, each glob's sorted."""
    return [found for pattern in depends_of(source) for found in sorted(page.parent.glob(pattern))]


def claims_digest(page: Path, source: str) -> str:
    """sha256 of the page's claims file (``<page>.claims.yaml``) and of the files its front matter
    lists under ``jsv: depends:`` (globs relative to the page, e.g. ``../single-user/*.claims.yaml``
    for a page that assembles other pages' fixes); "" when there are none."""
    files = [page.with_name(page.stem + ".claims.yaml"), *depends_files(source, page)]
    digest = hashlib.sha256()
    for file in (f for f in files if f.is_file()):
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:16] if any(f.is_file() for f in files) else ""


def runbook_key(source: str, page: Path) -> dict[str, object]:
    """The part of the cache key that the page text does not show: images, machinery, claims."""
    from jsv.images import ensure_image

    return {
        "images": {name: ensure_image(name) for name in images_of(source)},
        "jsv": package_digest(source, page),
        "claims": claims_digest(page, source),
    }


def _text_digest(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def write_keys(file: Path, keys: dict[Path, tuple[str, dict[str, object]]]) -> None:
    """Record ``{page: (its text, its key)}`` for :func:`page_key` (``KEYS_FILE_ENV`` names ``file``)."""
    entries = {
        str(page.resolve()): {"text": _text_digest(text), "key": key} for page, (text, key) in keys.items()
    }
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")


@cache
def _recorded_keys(file: str, _mtime_ns: int) -> dict[str, dict[str, object]]:
    return json.loads(Path(file).read_text(encoding="utf-8"))


def page_key(source: str, page: Path) -> dict[str, object]:
    """:func:`runbook_key`, from the file ``KEYS_FILE_ENV`` names when it holds this page with this text."""
    file = settings.RUNBOOK_KEYS.raw() or None
    recorded = _recorded_keys(file, os.stat(file).st_mtime_ns) if file and os.path.isfile(file) else {}
    entry = recorded.get(str(page.resolve()))
    if entry is not None and entry["text"] == _text_digest(source):
        return dict(entry["key"])  # type: ignore[call-overload]
    return runbook_key(source, page)


def inject_key(source: str, key: dict[str, object]) -> str:
    cell = (
        "```{code-cell} ipython3\n:tags: [remove-cell]\n"
        "# Execution-cache key, inserted by the site build: images and machinery this page ran on.\n"
        f"JSV_RUNBOOK_KEY = {json.dumps(key, sort_keys=True)}\n```\n\n"
    )
    match = _FRONT_MATTER.match(source)
    end = match.end() if match else 0
    return source[:end] + "\n" + cell + source[end:]


def is_runbook(docname: str, source: str) -> bool:
    """A runbook is an executed page under ``runbooks/`` that declares its images."""
    return docname.startswith(RUNBOOK_PREFIX) and bool(images_of(source))
