"""Take a secret the end-of-build scan found out of every file of the build, and say which cell it came from.

Redaction and the worker's check (:mod:`jsv.execution.output_secrets`) keep a known
secret out of the build; what still gets there (a value registered after it was
shown, say) is found by the exact-value scan (:mod:`jsv.secret_scan`).  Failing the
build is not enough: the files stay on disk for anything that serves ``_build/html``,
and the next build would find them again although the page was fixed.  So
:func:`purge_build`, before the build fails,

* removes the execution-cache entry that holds it (the page runs again next time),
* rewrites each text file that holds it (the HTML, ``searchindex.js``, executed
  notebooks) with ``«redacted:label»`` in its place,
* deletes each other file (doctree pickles) and Sphinx's saved environment beside
  them, so the next build reads every page again and writes them anew,

then scans again.  Its report names the page and cell whose output held the secret
(from the executed notebooks), never the value.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from jsv.execution.output_secrets import OutputSecret, secrets_in_outputs
from jsv.redaction import RecordedSecret
from jsv.secret_scan import Hit, forms, scan_tree

ENV_PICKLE = "environment.pickle"
EXECUTED_FOLDER = "jupyter_execute"  # where MyST-NB writes the executed notebooks, beside the HTML


@dataclass(frozen=True, order=True)
class Purged:
    """A file of the build that held a secret, and what was done: scrubbed, removed or left."""

    path: Path
    action: str


@dataclass(frozen=True)
class PurgeReport:
    origins: tuple[OutputSecret, ...]  # the cells whose outputs held a secret
    labels: tuple[str, ...]  # every label found
    purged: tuple[Purged, ...]
    left: tuple[Hit, ...]  # what the second scan still found (paths under their root)

    @property
    def clean(self) -> bool:
        return not self.labels

    def error_lines(self, source: str | os.PathLike[str] | None = None) -> list[str]:
        """One line per secret and cell (or per secret no executed cell holds); never a value."""
        files = len({p.path for p in self.purged if p.action != "left"})
        done = f"removed from the {files} file(s) of the build that held it"
        if self.left:
            done += f", but {len(self.left)} could not be cleaned: delete the build directory"
        else:
            done += "; the next build runs the page again"
        lines = [
            f"secret «{found.label}» in the output of {found.where(source)} reached the build: {done}"
            for found in self.origins
        ]
        placed = {found.label for found in self.origins}
        lines += [
            f"secret «{label}» reached the build (no executed cell's output holds it): {done}"
            for label in self.labels
            if label not in placed
        ]
        return lines


def _cache_entries(cache_path: Path | None) -> dict[str, tuple[int, str]]:
    """``{hashkey: (pk, page)}`` of the execution cache at ``cache_path``."""
    if cache_path is None or not (cache_path / "global.db").is_file():
        return {}
    from jupyter_cache import get_cache

    return {r.hashkey: (r.pk, r.uri) for r in get_cache(str(cache_path)).list_cache_records()}


def _executed_page(path: Path, root: Path, source: Path | None) -> Path | None:
    """The page of an executed notebook MyST-NB wrote (``jupyter_execute/<docname>.ipynb``)."""
    if source is None or EXECUTED_FOLDER not in path.parts:
        return None
    docname = Path(*path.parts[path.parts.index(EXECUTED_FOLDER) + 1 :]).with_suffix("")
    for suffix in (".md", ".ipynb"):
        if (source / docname).with_suffix(suffix).is_file():
            return (source / docname).with_suffix(suffix)
    return None


def _origins(
    files: list[Path],
    secrets: list[RecordedSecret],
    cache: dict[str, tuple[int, str]],
    roots: list[Path],
    source,
) -> list[OutputSecret]:
    found: set[OutputSecret] = set()
    for path in files:
        if path.suffix != ".ipynb":
            continue
        entry = cache.get(path.parent.name) if path.name == "base.ipynb" else None  # executed/<hashkey>/
        page = (
            Path(entry[1])
            if entry
            else next((p for root in roots if (p := _executed_page(path, root, source))), None)
        )
        if page is None:
            continue
        try:
            notebook = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            continue
        found.update(secrets_in_outputs(notebook, secrets, page))
    return sorted(found)


def _scrub(path: Path, replacements: list[tuple[bytes, bytes]]) -> str:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        path.unlink()
        saved = next((p / ENV_PICKLE for p in path.parents if (p / ENV_PICKLE).is_file()), None)
        if saved is not None:
            saved.unlink()  # the doctree is gone: Sphinx must read every page again
        return "removed"
    for form, marker in replacements:
        data = data.replace(form, marker)
    path.write_bytes(data)
    return "scrubbed"


def purge_build(
    roots: Iterable[str | os.PathLike[str]],
    secrets: Iterable[RecordedSecret],
    cache_path: str | os.PathLike[str] | None = None,
    source: str | os.PathLike[str] | None = None,
) -> PurgeReport:
    """Find every secret in the files under ``roots`` (and ``cache_path``), take it out, scan again.

    ``source`` is the site's source directory (to name the page of an executed notebook).
    """
    secrets = [s for s in secrets if s.value]
    cache = Path(cache_path).resolve() if cache_path else None
    tops = list(dict.fromkeys(Path(r).resolve() for r in roots if Path(r).is_dir()))
    if cache is not None and cache.is_dir() and not any(cache.is_relative_to(t) for t in tops):
        tops.append(cache)
    hits = [(top, hit) for top in tops for hit in scan_tree(top, secrets).hits]
    if not hits:
        return PurgeReport((), (), (), ())
    entries = _cache_entries(cache)
    files = sorted({top / hit.path for top, hit in hits})
    origins = _origins(files, secrets, entries, tops, Path(source).resolve() if source else None)
    replacements = sorted(
        ((form, f"«redacted:{s.label}»".encode()) for s in secrets for form in forms(s.value)),
        key=lambda pair: -len(pair[0]),
    )
    purged = []
    for path in files:
        if not path.exists():
            continue  # went with a cache entry or folder already
        if cache is not None and path.is_relative_to(cache / "executed"):
            hashkey = path.relative_to(cache / "executed").parts[
                0
            ]  # executed/<hashkey>/base.ipynb, artifacts
            if hashkey in entries:
                from jupyter_cache import get_cache

                get_cache(str(cache)).remove_cache(entries.pop(hashkey)[0])  # the record and its folder
            shutil.rmtree(cache / "executed" / hashkey, ignore_errors=True)
            purged.append(Purged(path, "removed"))
        else:
            try:
                purged.append(Purged(path, _scrub(path, replacements)))
            except OSError:
                purged.append(Purged(path, "left"))
    left = tuple(hit for top in tops for hit in scan_tree(top, secrets).hits)
    labels = tuple(sorted({hit.label for _top, hit in hits}))
    return PurgeReport(tuple(origins), labels, tuple(purged), left)
