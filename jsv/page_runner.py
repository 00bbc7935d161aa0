"""Execute one runbook page outside Sphinx and summarise its claims: ``python -m jsv page PATH``.

For contributors working on one page: it reads the MyST notebook the way
MyST-NB does, executes it with nbclient in the page's folder (as the site
build does), and prints one line per claim record the page published, then
the first error, if any.  Nothing is written into the tree.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from jsv.claims.display import CLAIM_MIME
from jsv.claims.record import ClaimRecord
from jsv.environments.resources import sweep
from jsv.errors import JsvError
from jsv.labels import RUN_ID_ENV


@dataclass(frozen=True)
class PageRun:
    page: Path
    records: list[ClaimRecord]
    error: str
    seconds: float


def page_source(page: Path) -> str:
    """The text of runbook ``page``, or one clear error when there is none."""
    if not page.is_file():
        raise JsvError(f"no runbook page at {page}: give the path of a runbooks/<area>/<page>.md file")
    return page.read_text(encoding="utf-8")


def run_page(page: Path, timeout: int = 900) -> PageRun:
    import nbclient
    from myst_nb.core.read import read_myst_markdown_notebook

    source = page_source(page)
    notebook = read_myst_markdown_notebook(source, path=page)
    started = time.monotonic()
    client = nbclient.NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(page.parent)}}
    )
    error = ""
    run = uuid.uuid4().hex[:12]
    env_before = dict(os.environ)
    os.environ.update({RUN_ID_ENV: run, "TESTCONTAINERS_RYUK_DISABLED": "true"})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}".splitlines()[0]
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
    return PageRun(page, records, error, time.monotonic() - started)


def summary(run: PageRun) -> str:
    lines = [f"{run.page}: {len(run.records)} claim(s) in {run.seconds:.0f} s"]
    for record in run.records:
        fix = "fix applied" if record.fix.applied else f"fix not applied ({record.fix.reason})"
        where = "" if record.column == "pinned" else f" in {record.column}"
        lines.append(f"  {record.id}{where} {record.status} · control {record.negative_control} · {fix}")
        if record.status == "failed":
            lines.append(f"    {record.evidence}")
    if run.error:
        lines.append(f"error: {run.error}")
    return "\n".join(lines)
