"""Every kernel is started in one place (jsv.execution.kernel) with the same fd-level redaction (issue 38).

The fixture pages (tests/fixtures/leak_pages) need no container: ``leaks.md`` registers
a secret and writes it with ``os.write``; ``runs_leaks.md`` runs ``leaks.md`` in a
nested kernel from one of its cells, as a matrix page does; ``late.md`` prints a
token before registering it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from jsv import leaks as leak_records
from jsv import redaction
from jsv.execution import worker
from jsv.execution.kernel import execute_notebook
from jsv.execution.plan import read_notebook

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "fixtures" / "leak_pages"
LEAKS, RUNS_LEAKS, LATE = PAGES / "leaks.md", PAGES / "runs_leaks.md", PAGES / "late.md"
KERNEL_START = re.compile(
    r"NotebookClient|executenb|single_nb_execution|start_new_kernel|\.start_kernel\(|"
    r"KernelManager\(|launch_kernel|^\s*(?:import nbclient|from nbclient\b)",
    re.MULTILINE,
)


def test_only_jsv_execution_kernel_starts_kernels():
    package = ROOT / "jsv"
    starters = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if KERNEL_START.search(path.read_text(encoding="utf-8"))
    )
    assert starters == ["execution/kernel.py"], (
        "start kernels through jsv.execution.kernel.execute_notebook: it redacts the kernel's own "
        f"output and records its leaks with page and cell; found kernel starts in {starters}"
    )


@pytest.fixture
def build_files(tmp_path, monkeypatch):
    """A build's secrets and leaks files (ipykernel captures fds only without PYTEST_CURRENT_TEST: _run)."""
    monkeypatch.delenv(leak_records.PAGE_ENV, raising=False)
    monkeypatch.delenv(leak_records.RUN_BY_ENV, raising=False)
    monkeypatch.delenv(leak_records.SITE_SOURCE_ENV, raising=False)
    monkeypatch.delenv("JSV_FIXTURE_NESTED", raising=False)
    secrets_file, leaks_file = tmp_path / "state" / "secrets.txt", tmp_path / "state" / "leaks.txt"
    monkeypatch.setenv(redaction.SECRETS_FILE_ENV, str(secrets_file))
    monkeypatch.setenv(leak_records.LEAKS_FILE_ENV, str(leaks_file))
    return secrets_file, leaks_file


def _run(page: Path, console: list[str]):
    os.environ.pop("PYTEST_CURRENT_TEST", None)  # pytest sets it again for each phase of a test
    notebook = read_notebook(page.read_text(encoding="utf-8"), page)
    return execute_notebook(notebook, page, 120, write=console.append)


def _values(secrets_file: Path, label: str) -> list[bytes]:
    values = [r.value.encode() for r in redaction.recorded_labelled_secrets(secrets_file) if r.label == label]
    assert values, f"the page registered no secret «{label}»"
    return values


def _written(tmp_path: Path, name: str, notebook: nbformat.NotebookNode) -> None:
    nbformat.write(notebook, tmp_path / name)


def _files_holding(values: list[bytes], tmp_path: Path, secrets_file: Path) -> list[str]:
    """Every file under ``tmp_path`` but the secrets file that holds a value (grep by exact value)."""
    return sorted(
        str(path.relative_to(tmp_path))
        for path in tmp_path.rglob("*")
        if path.is_file() and path != secrets_file and any(v in path.read_bytes() for v in values)
    )


def _fd_line(page: Path) -> int:
    return page.read_text().splitlines().index('os.write(1, (password + "\\n").encode())') + 1


LEAK_TAIL = (
    ": a cell wrote secret «fixture-password» to its output at the file-descriptor level "
    "(os.write / subprocess); redacted, but fix the cell (capture the output and pass it through redact())"
)


def test_a_page_that_writes_a_secret_with_os_write(build_files, tmp_path):
    secrets_file, leaks_file = build_files
    console: list[str] = []
    run = _run(LEAKS, console)
    assert run.error == "" and run.published == ()
    assert run.problem_lines(ROOT) == [
        f"error: site build failed: tests/fixtures/leak_pages/leaks.md:{_fd_line(LEAKS)}{LEAK_TAIL}"
    ]
    assert leak_records.pending_leaks(leaks_file, PAGES) == list(run.leaks)
    shown = "".join(o.get("text", "") for cell in run.notebook.cells for o in cell.get("outputs", []))
    assert "«redacted:fixture-password»" in shown
    assert "«redacted:fixture-password»" in "".join(console)  # ipykernel's copy, on the console
    values = _values(secrets_file, "fixture-password")
    _written(tmp_path, "executed.ipynb", run.notebook)
    (tmp_path / "console.txt").write_text("".join(console))
    assert _files_holding(values, tmp_path, secrets_file) == []


def test_the_same_page_run_by_another_page_in_a_nested_kernel(build_files, tmp_path):
    secrets_file, leaks_file = build_files
    console: list[str] = []
    run = _run(RUNS_LEAKS, console)
    assert run.error == "" and run.published == () and run.leaks
    assert run.problem_lines(ROOT) == [
        f"error: site build failed: tests/fixtures/leak_pages/leaks.md:{_fd_line(LEAKS)} "
        f"(run by tests/fixtures/leak_pages/runs_leaks.md){LEAK_TAIL}"
    ]
    assert [leak.run_by for leak in leak_records.pending_leaks(leaks_file, PAGES)] == [str(RUNS_LEAKS)]
    shown = "".join(o.get("text", "") for cell in run.notebook.cells for o in cell.get("outputs", []))
    assert "nested run of leaks.md: 1 leak(s)" in shown
    assert "«redacted:fixture-password»" in "".join(console)
    values = _values(secrets_file, "fixture-password")
    _written(tmp_path, "executed.ipynb", run.notebook)
    (tmp_path / "console.txt").write_text("".join(console))
    assert _files_holding(values, tmp_path, secrets_file) == []


def test_control_a_nested_kernel_started_with_nbclient_publishes_the_secret(build_files, monkeypatch):
    """The bug of issue 38: the nested kernel's copy of fd output became the outer cell's output."""
    secrets_file, _leaks_file = build_files
    monkeypatch.setenv("JSV_FIXTURE_NESTED", "plain")
    run = _run(RUNS_LEAKS, [])
    values = _values(secrets_file, "fixture-password")
    assert any(v.decode() in nbformat.writes(run.notebook) for v in values)
    # what the worker now refuses to keep, naming the outer page's cell and the label
    assert [found.message(ROOT).split(": secret")[0] for found in run.published] == [
        f"tests/fixtures/leak_pages/runs_leaks.md:{_cell_line(RUNS_LEAKS, 'import os')} (cell 1)"
    ]
    assert "«fixture-password»" in run.published[0].message(ROOT)


def _cell_line(page: Path, first: str) -> int:
    return page.read_text().splitlines().index(first) + 1


def test_the_worker_keeps_no_notebook_with_a_registered_secret(build_files, tmp_path, monkeypatch):
    secrets_file, _leaks_file = build_files
    out = tmp_path / "out"
    out.mkdir()
    notebook_in = tmp_path / "input.ipynb"
    nbformat.write(read_notebook(LATE.read_text(), LATE), notebook_in)
    monkeypatch.chdir(ROOT)
    os.environ.pop("PYTEST_CURRENT_TEST", None)
    assert worker.main([str(notebook_in), str(out), str(PAGES), "120", str(LATE)]) == 1
    result = json.loads((out / "result.json").read_text())["error"]
    assert not (out / "executed.ipynb").exists()
    assert (
        f"tests/fixtures/leak_pages/late.md:{_cell_line(LATE, 'import secrets')} (cell 1): "
        "secret «fixture-late-token» is in the cell's output"
    ) in result
    assert _files_holding(_values(secrets_file, "fixture-late-token"), tmp_path, secrets_file) == []


def test_a_leak_stands_until_the_line_is_removed(build_files, tmp_path):
    """After the leaking line is removed, the next build has no standing leak, executed or cached."""
    _secrets_file, leaks_file = build_files
    site = tmp_path / "site"
    site.mkdir()
    page = site / "leaks.md"
    page.write_text(LEAKS.read_text())
    run = _run(page, [])
    assert leak_records.pending_leaks(leaks_file, site) == list(run.leaks) != []
    page.write_text(page.read_text().replace('os.write(1, (password + "\\n").encode())\n', ""))
    assert leak_records.pending_leaks(leaks_file, site) == []  # the cell that wrote it is gone
