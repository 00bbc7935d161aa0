"""What a person follows during a build: one line per page, a summary table at the end."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from jsv.claims.display import CLAIM_MIME

STATUSES = ("verified", "failed", "static", "skipped")


PINNED = "pinned"


def claim_statuses(notebook: nbformat.NotebookNode) -> Counter[str]:
    """How many claim records of each status the executed notebook published.

    A pinned record counts under its status (``verified``); a matrix column's under
    ``<column>/<status>`` (``debian-trixie/failed``), since there a failure is a finding
    for that column's readers, not a failed build.
    """
    counts: Counter[str] = Counter()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(CLAIM_MIME)
            if isinstance(record, dict):
                status, column = str(record.get("status", "unknown")), str(record.get("column") or PINNED)
                counts[status if column == PINNED else f"{column}/{status}"] += 1
    return counts


def _statuses_text(counts: dict[str, int], findings: bool = False) -> str:
    ordered = [s for s in STATUSES if counts.get(s)] + sorted(s for s in counts if s not in STATUSES)
    return ", ".join(f"{counts[s]} {s}{' (findings)' if findings and s == 'failed' else ''}" for s in ordered)


def claims_text(counts: Counter[str]) -> str:
    """``92 verified, 1 skipped; debian-trixie column: 46 verified, 11 failed (findings)``."""
    columns: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        column, _, status = key.rpartition("/")
        if n:
            columns.setdefault(column or PINNED, {})[status] = n
    parts = [_statuses_text(columns.pop(PINNED))] if PINNED in columns else []
    for column, statuses in sorted(columns.items()):
        parts.append(f"{column} column: {_statuses_text(statuses, findings=True)}")
    return "; ".join(parts) or "no claims"


@dataclass
class PageOutcome:
    docname: str
    state: str  # executed | cached | failed | interrupted
    seconds: float = 0.0
    claims: Counter[str] = field(default_factory=Counter)
    error: str = ""

    def line(self) -> str:
        if self.state == "cached":
            return f"page {self.docname}: cached ({claims_text(self.claims)})"
        if self.state == "failed":
            return f"page {self.docname}: FAILED after {self.seconds:.0f} s: {self.error}"
        if self.state == "interrupted":
            return f"page {self.docname}: interrupted after {self.seconds:.0f} s"
        return f"page {self.docname}: {claims_text(self.claims)} in {self.seconds:.0f} s"


def summary_table(images: dict[str, str], pages: list[PageOutcome], wall: float, jobs: int) -> str:
    """A short table: images built/cached, pages executed/cached/failed, claims by status, wall time."""
    states = Counter(p.state for p in pages)
    claims: Counter[str] = Counter()
    for page in pages:
        claims.update(page.claims)
    image_states = Counter(images.values())
    executed = sum(p.seconds for p in pages if p.state != "cached")
    rows = [
        ("images", f"{image_states['built']} built, {image_states['cached']} cached"),
        (
            "pages",
            f"{states['executed']} executed, {states['cached']} cached, {states['failed']} failed"
            + (f", {states['interrupted']} interrupted" if states["interrupted"] else ""),
        ),
        ("claims", claims_text(claims)),
        ("execution", f"{executed:.0f} s of page time on {jobs} worker(s)"),
        ("wall", f"{wall:.0f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"  {name:<{width}}  {value}" for name, value in rows)


_MYSTNB = re.compile(
    r"^(?P<path>/\S+?)\.(?:md|ipynb): (?:Executing notebook using|Executed notebook in (?P<s>[\d.]+) seconds)"
)


class SerialProgress:
    """Page lines for the one-process build (``JSV_JOBS=1``), read from MyST-NB's own log lines.

    Sphinx executes the pages itself there; it logs ``<page>.md: Executing notebook …`` and
    ``… Executed notebook in N seconds``, which become the same ``page …`` lines the worker
    pool prints.  The claim counts come from the ledger once the build has written it.
    """

    def __init__(self, source: Path) -> None:
        self.source = source.resolve()
        self.outcomes: list[PageOutcome] = []

    def translate(self, line: str) -> str | None:
        """The progress line for a MyST-NB execution line, or None for any other line."""
        match = _MYSTNB.match(line.strip())
        if not match:
            return None
        try:
            docname = Path(match["path"]).relative_to(self.source).as_posix()
        except ValueError:
            docname = match["path"]
        if match["s"] is None:
            return f"page {docname}: executing"
        outcome = PageOutcome(docname, "executed", float(match["s"]))
        self.outcomes.append(outcome)
        return f"page {docname}: executed in {outcome.seconds:.0f} s"

    def count_claims(self, ledger: Path) -> list[PageOutcome]:
        """The executed pages with their claims by status, from the build's ``claims.json``."""
        if ledger.is_file():
            for record in json.loads(ledger.read_text()).get("claims", []):
                docname = str(record.get("page", "")).partition(".html#")[0]
                for outcome in self.outcomes:
                    if outcome.docname == docname:
                        outcome.claims[str(record.get("status", "unknown"))] += 1
        return self.outcomes
