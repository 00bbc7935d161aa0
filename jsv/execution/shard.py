"""Spread the runbook pages over a CI job matrix: ``JSV_SHARD=k/n``, partial results, one merge.

Every shard computes the same assignment from the same inputs: the page names and
the page times of a previous ledger (``JSV_SHARD_TIMES``, default the last build's
``claims.json``).  Pages go, longest first, to the shard with the least time so far.
A shard writes the executed notebooks of its pages and a manifest (its partial
ledger); :func:`merge_parts` fails on a page missing from every part or present in two.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from jsv import settings

SHARD_ENV = settings.SHARD.name
TIMES_ENV = settings.SHARD_TIMES.name
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
UNKNOWN_SECONDS = 60.0  # a page no ledger has timed yet


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @property
    def name(self) -> str:
        return f"{self.index}-of-{self.count}"


def parse_shard(spec: str) -> Shard:
    match = _SPEC.match(spec)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"{SHARD_ENV}={spec!r}: give k/n with 1 <= k <= n, e.g. {SHARD_ENV}=2/4")
    return Shard(int(match.group(1)), int(match.group(2)))


def shard_from_env(environ: dict[str, str] | None = None) -> Shard | None:
    raw = settings.SHARD.raw(environ)
    return parse_shard(raw) if raw else None


def recorded_times(ledger: Path) -> dict[str, float]:
    """``{docname: seconds}`` from a ledger's ``pages`` (empty when there is no ledger).

    The ledger names each page by its link (``runbooks/hub/web.html``); the shards by docname.
    """
    if not ledger.is_file():
        return {}
    pages = json.loads(ledger.read_text(encoding="utf-8")).get("pages", {})
    return {
        name.removesuffix(".html"): float(entry.get("execution_seconds") or 0.0)
        for name, entry in pages.items()
    }


def assign(docnames: list[str], times: dict[str, float], count: int) -> list[list[str]]:
    """Longest-processing-time-first: deterministic, each page in exactly one shard."""
    loads = [0.0] * count
    shares: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(set(docnames), key=lambda d: (-times.get(d, UNKNOWN_SECONDS), d)):
        target = min(range(count), key=lambda i: (loads[i], i))
        shares[target].append(name)
        loads[target] += times.get(name, UNKNOWN_SECONDS)
    return shares


def write_part(
    directory: Path, shard: Shard, notebooks: dict[str, nbformat.NotebookNode], manifest: dict
) -> Path:
    """Write one shard's executed notebooks and manifest below ``directory/<k>-of-<n>/``."""
    part = directory / shard.name
    part.mkdir(parents=True, exist_ok=True)
    for docname, notebook in notebooks.items():
        target = part / "notebooks" / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    (part / "manifest.json").write_text(
        json.dumps({"shard": shard.name, **manifest}, indent=2), encoding="utf-8"
    )
    return part


@dataclass(frozen=True)
class Merged:
    notebooks: dict[str, Path]  # docname -> executed notebook file
    errors: list[str]


def merge_parts(parts: list[Path], expected: set[str]) -> Merged:
    """Every expected page exactly once over ``parts``; one error line per missing or duplicated page."""
    found: dict[str, Path] = {}
    owner: dict[str, str] = {}
    errors: list[str] = []
    for part in parts:
        manifest_file = part / "manifest.json"
        if not manifest_file.is_file():
            errors.append(
                f"{part}: no manifest.json: not a shard's output (python -m jsv site with {SHARD_ENV})"
            )
            continue
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        for docname in manifest.get("pages", {}):
            notebook = part / "notebooks" / f"{docname}.ipynb"
            if docname in found:
                errors.append(f"page {docname} is in two shards: {owner[docname]} and {part.name}")
            elif not notebook.is_file():
                errors.append(f"page {docname}: listed by {part.name} without its notebook (did it fail?)")
            else:
                found[docname], owner[docname] = notebook, part.name
    errors += [f"page {name} is in no shard" for name in sorted(expected - set(found))]
    errors += [f"page {name} is not a runbook of this site" for name in sorted(set(found) - expected)]
    return Merged(found, errors)
