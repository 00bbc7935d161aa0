"""The worker pool that executes runbook pages before Sphinx reads them (jsv.execution)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from jsv.claims.display import CLAIM_MIME
from jsv.execution.plan import DEFAULT_JOBS, PageJob, jobs_from_env, runbook_jobs
from jsv.execution.pool import execute_pages
from jsv.execution.progress import PageOutcome, claim_statuses, claims_text, summary_table


def test_jobs_default_and_explicit():
    assert jobs_from_env({}) == DEFAULT_JOBS
    assert jobs_from_env({"JSV_JOBS": "1"}) == 1
    assert jobs_from_env({"JSV_JOBS": " 3 "}) == 3


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5"])
def test_bad_jobs_value_is_one_clear_line(bad):
    with pytest.raises(ValueError, match="JSV_JOBS") as failure:
        jobs_from_env({"JSV_JOBS": bad})
    assert "\n" not in str(failure.value)


def _notebook(*sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return notebook


def test_claim_statuses_counts_published_records():
    notebook = _notebook("a", "b")
    verified = {CLAIM_MIME: {"status": "verified"}}
    notebook.cells[0].outputs = [nbformat.v4.new_output("display_data", data=verified)]
    notebook.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={CLAIM_MIME: {"status": "static"}}),
        nbformat.v4.new_output("display_data", data={"text/plain": "x"}),
    ]
    assert claim_statuses(notebook) == Counter({"verified": 1, "static": 1})


def test_summary_table_counts_everything():
    pages = [
        PageOutcome("runbooks/a", "executed", 10.0, Counter({"verified": 3})),
        PageOutcome("runbooks/b", "cached", 0.0, Counter({"verified": 1, "static": 2})),
        PageOutcome("runbooks/c", "failed", 4.0, error="ClaimFailed: X-01: no"),
    ]
    table = summary_table({"hub": "built", "ldap": "cached", "net-client": "cached"}, pages, 20.0, 2)
    assert "1 built, 2 cached" in table
    assert "1 executed, 1 cached, 1 failed" in table
    assert "4 verified, 2 static" in table
    assert "14 s of page time on 2 worker(s)" in table
    assert "FAILED after 4 s: ClaimFailed: X-01: no" in pages[2].line()


def test_runbook_jobs_injects_the_key_cell(tmp_path, monkeypatch):
    monkeypatch.setattr("jsv.execution.plan.runbook_key", lambda text, path: {"images": {}, "jsv": "k"})
    page = tmp_path / "runbooks" / "area" / "page.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n"
        "jsv:\n  images: [net-client]\n---\n\n# T\n\n```{code-cell} ipython3\nx = 1\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "runbooks" / "area" / "notes.md").write_text("# no images: not a runbook\n", encoding="utf-8")
    [job] = runbook_jobs(tmp_path)
    assert job.docname == "runbooks/area/page"
    sources = [cell.source for cell in job.notebook.cells if cell.cell_type == "code"]
    assert sources[0].startswith("# Execution-cache key") and '"jsv": "k"' in sources[0]
    assert sources[1] == "x = 1"


def test_pool_runs_pages_at_once_stores_successes_and_reuses_them(tmp_path):
    marker = tmp_path / "marker"
    # each page waits until the other one has started: passes only when both run at the same time
    wait_for_other = (
        "import pathlib, time\n"
        f"me, other = pathlib.Path({str(marker)!r} + '-{{0}}'), pathlib.Path({str(marker)!r} + '-{{1}}')\n"
        "me.touch()\n"
        "deadline = time.monotonic() + 60\n"
        "while not other.exists():\n"
        "    assert time.monotonic() < deadline, 'pages did not run concurrently'\n"
        "    time.sleep(0.05)\n"
    )
    jobs = [
        PageJob("runbooks/a", tmp_path / "a.md", _notebook(wait_for_other.format("a", "b"))),
        PageJob("runbooks/b", tmp_path / "b.md", _notebook(wait_for_other.format("b", "a"))),
        PageJob("runbooks/c", tmp_path / "c.md", _notebook("raise AssertionError('deliberate failure')")),
    ]
    lines: list[str] = []
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    cache = tmp_path / "cache"
    first = {o.docname: o for o in execute_pages(jobs, cache, 3, env, 120, False, lines.append)}
    assert first["runbooks/a"].state == first["runbooks/b"].state == "executed"
    assert first["runbooks/c"].state == "failed"
    assert first["runbooks/c"].error == "AssertionError: deliberate failure"
    assert "page runbooks/a: started" in lines
    again = {o.docname: o for o in execute_pages(jobs, cache, 3, env, 120, False, lines.append)}
    assert again["runbooks/a"].state == again["runbooks/b"].state == "cached"
    assert again["runbooks/c"].state == "failed"  # a failure is never stored
    assert not list(Path(tmp_path).glob("jsv-exec-*"))


def test_a_matrix_columns_records_count_apart_and_its_failures_read_as_findings():
    notebook = _notebook("a")
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={CLAIM_MIME: {"status": s, "column": c}})
        for s, c in [("verified", "pinned"), ("verified", "debian-trixie"), ("failed", "debian-trixie")]
    ]
    counts = claim_statuses(notebook)
    assert counts == Counter({"verified": 1, "debian-trixie/verified": 1, "debian-trixie/failed": 1})
    assert claims_text(counts) == "1 verified; debian-trixie column: 1 verified, 1 failed (findings)"
    assert claims_text(Counter({"debian-trixie/skipped": 2})) == "debian-trixie column: 2 skipped"
    assert claims_text(Counter()) == "no claims"


def test_a_page_is_expected_to_publish_its_claims_and_those_of_the_pages_it_reruns(tmp_path, monkeypatch):
    from jsv.claims.registry import Registry
    from jsv.execution.plan import expected_records

    registry = Registry(
        tmp_path,
        claims={f"C-{n}": object() for n in range(5)},  # type: ignore[misc]
        pages={
            "C-0": "runbooks/a/one",
            "C-1": "runbooks/a/one",
            "C-2": "runbooks/a/two",
            "C-3": "runbooks/b/m",
            "C-4": "runbooks/a/two",
        },
    )
    for name in ("a/one", "a/two", "a/index", "b/m"):
        (tmp_path / "runbooks" / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "runbooks" / f"{name}.md").write_text("", encoding="utf-8")
    matrix = tmp_path / "runbooks" / "b" / "m.md"
    reruns = '---\njsv:\n  images: [x]\n  depends: ["../a/*.md", "../a/*.claims.yaml", "../../*.py"]\n---\n'
    assert expected_records(registry, matrix, reruns) == 1 + 4
    assert expected_records(registry, tmp_path / "runbooks" / "a" / "one.md", "") == 2


def test_pages_no_run_has_timed_go_first_by_expected_records_then_the_timed_longest_first(tmp_path):
    from jsv.execution.pool import order_key

    jobs = [
        PageJob("runbooks/timed-short", tmp_path / "ts.md", _notebook(), 9),
        PageJob("runbooks/few", tmp_path / "few.md", _notebook(), 2),
        PageJob("runbooks/timed-long", tmp_path / "tl.md", _notebook(), 1),
        PageJob("runbooks/many", tmp_path / "many.md", _notebook(), 30),
    ]
    times = {str(tmp_path / "ts.md"): 10.0, str(tmp_path / "tl.md"): 300.0}
    order = [job.docname for job in sorted(jobs, key=order_key(times))]
    assert order == ["runbooks/many", "runbooks/few", "runbooks/timed-long", "runbooks/timed-short"]


def test_an_interrupt_swallowed_while_a_page_is_stored_still_stops_the_pool(tmp_path, monkeypatch):
    """Ctrl-C lands while the quick page is being stored, in code that swallows KeyboardInterrupt: the
    pool still stops (the holding page would keep it busy for 120 s)."""
    import signal
    import time

    from jupyter_cache.cache.main import JupyterCacheBase

    store = JupyterCacheBase.cache_notebook_bundle

    def store_while_interrupted(self, *args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler runs here, and the exception dies here
        except KeyboardInterrupt:
            pass
        return store(self, *args, **kwargs)

    monkeypatch.setattr(JupyterCacheBase, "cache_notebook_bundle", store_while_interrupted)
    jobs = [
        PageJob("runbooks/quick", tmp_path / "quick.md", _notebook("x = 1")),
        PageJob("runbooks/hold", tmp_path / "hold.md", _notebook("import time\ntime.sleep(120)")),
    ]
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    before = signal.getsignal(signal.SIGINT)  # SIG_IGN under `nohup ... &`: a shell's background job
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        execute_pages(jobs, tmp_path / "cache", 2, env, 300, False, lambda line: None)
    assert time.monotonic() - started < 90
    assert signal.getsignal(signal.SIGINT) is before  # the pool put back what it found
