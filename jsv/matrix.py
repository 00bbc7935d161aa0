"""Run runbook pages in another matrix column and publish their records: the matrix pages' machinery.

A matrix page (``runbooks/matrix/*.md``) names the runbook pages whose claims
apply to a column's software; :func:`run_in_column` executes each of them,
unchanged, with ``JSV_COLUMN`` set (so the environments start the column's
images, :mod:`jsv.columns`) and with failures recorded instead of raised: on
Debian's release a claim that fails is a finding for Debian's users, which
the matrix shows, not a defect of the site.  Every claim of those pages gets
a record: a claim the page never reached (the page stopped on an error in
that column) is ``skipped`` with the page's error as the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jsv import settings
from jsv.claims.check import Observation
from jsv.claims.display import show_record
from jsv.claims.model import Claim
from jsv.claims.record import ClaimRecord
from jsv.claims.registry import Registry, registry_here
from jsv.claims.verify import ClaimResult, SideResult
from jsv.columns import in_column
from jsv.page_runner import run_page
from jsv.runbook import extend_cell_limit

PAGE_LIMIT_SECONDS = 1800
"""How long a matrix cell may take for the page it runs (whose own cells keep ``JSV_CELL_TIMEOUT``)."""


@contextmanager
def _column(column: str) -> Iterator[None]:
    with settings.RECORD_FAILURES.set_to("1"), in_column(column):
        yield


def not_reached(claim: Claim, column: str, reason: str) -> ClaimRecord:
    """The record of a claim its page did not reach in ``column``."""
    side = SideResult("not run", f"not run in {column}", Observation(reason, reason), False)
    return ClaimResult(
        claim, side, None, versions={}, seconds=0.0, fix_applied=False, skipped=reason, column=column
    ).record()


def _docname(registry: Registry, page: str) -> str:
    return Path(page).resolve().relative_to(registry.root).with_suffix("").as_posix()


def claim_ids(pages: list[str], registry: Registry | None = None) -> list[str]:
    """The ids of every claim of runbook ``pages`` (paths relative to the calling page), sorted."""
    registry = registry or registry_here()
    return sorted(claim.id for page in pages for claim in registry.for_page(_docname(registry, page)))


def run_in_column(column: str, pages: list[str], show: bool = True) -> list[ClaimRecord]:
    """Execute runbook ``pages`` (paths relative to the calling page) in ``column``; one record per claim."""
    registry = registry_here()
    records: list[ClaimRecord] = []
    with _column(column):
        for page in pages:
            extend_cell_limit(PAGE_LIMIT_SECONDS)
            run = run_page(Path(page).resolve())
            docname = _docname(registry, page)
            reached = {record.id for record in run.records}
            stopped = f"the page stopped in {column}: {run.error}" if run.error else "the page never ran it"
            page_records = run.records + [
                not_reached(claim, column, stopped)
                for claim in registry.for_page(docname)
                if claim.id not in reached
            ]
            ran = f"{docname} in {column}: {len(run.records)} of {len(page_records)} claims ran"
            print(f"{ran}, {run.seconds:.0f} s" + (f"; {run.error}" if run.error else ""), flush=True)
            records += page_records
    if show:
        for record in records:
            show_record(record)
    return records
