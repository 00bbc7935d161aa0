"""Execute one runbook page outside Sphinx and summarise its claims: ``python -m jsv page PATH``.

For contributors working on one page: it reads the MyST notebook the way
MyST-NB does, executes it in the page's folder in a kernel started as the site
build starts them (:mod:`jsv.execution.kernel`), and prints one line per claim
record the page published, then the first error, if any: a cell's, or a secret
a cell wrote past ``sys.stdout`` (redacted) or left in an output.  Nothing is
written into the tree.  The matrix pages run pages through :func:`run_page` too.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from jsv.audit.reference import AUDIT_REFERENCE_MIME, AuditedDeployment, checks_run_on, compare
from jsv.claims.display import CLAIM_MIME
from jsv.claims.record import ClaimRecord
from jsv.environments.resources import sweep
from jsv.errors import JsvError
from jsv.execution.kernel import execute_notebook
from jsv.labels import RUN_ID_ENV


@dataclass(frozen=True)
class PageRun:
    """``error``: the cell error that stopped the page; ``problems``: one line per secret a cell wrote
    past ``sys.stdout`` (redacted) or left in an output (the cell and the label, never the value)."""

    page: Path
    records: list[ClaimRecord]
    error: str
    seconds: float
    problems: tuple[str, ...] = ()
    audits: tuple[AuditedDeployment, ...] = ()
    """The audit reference page's audited deployments (:mod:`jsv.audit.reference`)."""


def page_source(page: Path) -> str:
    """The text of runbook ``page``, or one clear error when there is none."""
    if not page.is_file():
        raise JsvError(f"no runbook page at {page}: give the path of a runbooks/<area>/<page>.md file")
    return page.read_text(encoding="utf-8")


def run_page(page: Path, timeout: int = 900) -> PageRun:
    from myst_nb.core.read import read_myst_markdown_notebook

    source = page_source(page)
    notebook = read_myst_markdown_notebook(source, path=page)
    started = time.monotonic()
    run = uuid.uuid4().hex[:12]
    env_before = dict(os.environ)
    os.environ.update({RUN_ID_ENV: run, "TESTCONTAINERS_RYUK_DISABLED": "true"})
    try:
        executed = execute_notebook(notebook, page, timeout, record_timing=True)
    finally:
        os.environ.clear()
        os.environ.update(env_before)
        removed = sweep(run)
        if any(removed.values()):
            print(f"cleanup after {page.name}: removed {removed}", flush=True)
    records = [
        ClaimRecord.from_json(output["data"][CLAIM_MIME])
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if CLAIM_MIME in output.get("data", {})
    ]
    audits = tuple(
        AuditedDeployment.from_json(output["data"][AUDIT_REFERENCE_MIME])
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if AUDIT_REFERENCE_MIME in output.get("data", {})
    )
    problems = tuple(
        line.removeprefix("error: site build failed: ") for line in executed.problem_lines(Path.cwd())
    )
    return PageRun(page, records, executed.error, time.monotonic() - started, problems, audits)


def summary(run: PageRun) -> str:
    lines = [f"{run.page}: {len(run.records)} claim(s) in {run.seconds:.0f} s"]
    for record in run.records:
        fix = "fix applied" if record.fix.applied else f"fix not applied ({record.fix.reason})"
        where = "" if record.column == "pinned" else f" in {record.column}"
        lines.append(f"  {record.id}{where} {record.status} · control {record.negative_control} · {fix}")
        if record.status == "failed":
            lines.append(f"    {record.evidence}")
    lines += _audit_lines(run.audits)
    lines += [f"error: {line}" for line in run.problems]  # a site build fails on each of them
    if run.error:
        lines.append(f"error: {run.error}")
    return "\n".join(lines)


def _audit_lines(audits: tuple[AuditedDeployment, ...]) -> list[str]:
    """Each audited deployment, and each verdict that would be a false result in a build where the claim
    is verified in the deployment's column (the site's build compares with the ledger itself)."""
    lines = []
    for audit in audits:
        lines.append(f"  {audit.summary}")
        verified = {(claim_id, audit.deployment.column): "verified" for claim_id in audit.verdicts}
        for cell in compare([audit], verified, checks_run_on).false_results:
            lines.append(f"    {cell.claim_id}: {cell.observed}; {cell.expected} if verified in its column")
    return lines
