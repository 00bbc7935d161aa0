"""Leak records (jsv.leaks): where a secret written below sys.stdout came from, and which still stand."""

import json
import os
import stat

import pytest

from jsv import leaks
from jsv.leaks import Leak


@pytest.fixture
def leaks_file(tmp_path, monkeypatch):
    path = tmp_path / "state" / "leaks.jsonl"
    monkeypatch.setenv(leaks.LEAKS_FILE_ENV, str(path))
    monkeypatch.setenv(leaks.SITE_SOURCE_ENV, str(tmp_path / "site"))
    monkeypatch.delenv(leaks.RUN_BY_ENV, raising=False)
    monkeypatch.delenv(leaks.PAGE_ENV, raising=False)
    return path


def page(tmp_path, text="# page\n\n```{code-cell}\nprint(token)\n```\n"):
    path = tmp_path / "site" / "runbooks" / "p.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_where_and_error_line_never_hold_a_value(tmp_path):
    source = tmp_path / "site"
    leak = Leak("hub token", str(source / "runbooks/p.md"), str(source / "runbooks"), line=4)
    assert leak.where(source) == "runbooks/p.md:4"
    assert Leak("t", "/else/p.ipynb", "/else", line=2, cell=True).where(source) == "/else/p.ipynb cell 2"
    assert Leak("t", None, str(source / "runbooks")).where(source) == "runbooks/ (page not found)"
    nested = Leak("t", str(source / "a.md"), str(source), run_by=str(source / "matrix.md"))
    assert nested.where(source) == "a.md (run by matrix.md)"
    assert leak.error_line(source).startswith(
        "error: site build failed: runbooks/p.md:4: a cell wrote secret «hub token» to its output"
    )


def test_locate_cell_in_a_text_page_and_a_notebook(tmp_path):
    md = page(tmp_path)
    assert leaks.locate_cell("\nprint(token)\n", str(md.parent)) == (str(md.resolve()), 4, False)
    notebook = md.parent / "q.ipynb"
    cells = [
        {"cell_type": "markdown", "source": "x"},
        {"cell_type": "code", "source": ["a = 1\n", "b"]},
        {"cell_type": "code", "source": "os.write(1, t)"},
    ]
    notebook.write_text(json.dumps({"cells": cells}))
    assert leaks.locate_cell("os.write(1, t)", str(md.parent), str(notebook)) == (
        str(notebook.resolve()),
        2,
        True,
    )
    assert leaks.locate_cell("not there", str(md.parent)) == (None, None, False)
    assert leaks.locate_cell("  \n", str(md.parent), "given.md") == ("given.md", None, False)


def test_code_digest_and_still_in_page(tmp_path):
    md = page(tmp_path)
    digest = leaks.code_digest("\nprint(token)\n")
    assert digest.startswith("1:") and digest == leaks.code_digest("print(token)")
    leak = Leak("t", str(md), str(md.parent), line=4, code=digest)
    assert leaks.still_in_page(leak)
    md.write_text("# page\n\n```{code-cell}\nprint(redact(token))\n```\n")
    assert not leaks.still_in_page(leak)
    assert leaks.still_in_page(Leak("t", str(md), str(md.parent)))  # no digest: unknown, so it stands


def test_records_are_written_0600_without_values(leaks_file, tmp_path):
    md = page(tmp_path)
    leaks.record_leak(Leak("hub token", str(md), str(md.parent), line=4, code="1:abc"))
    assert stat.S_IMODE(os.stat(leaks_file).st_mode) == 0o600
    (record,) = [json.loads(line) for line in leaks_file.read_text().splitlines()]
    assert record == {
        "event": "leak",
        "label": "hub token",
        "page": str(md),
        "dir": str(md.parent),
        "line": 4,
        "cell": False,
        "run_by": None,
        "code": "1:abc",
        "site": str(tmp_path / "site"),
    }


def test_nothing_is_written_without_a_leaks_file(monkeypatch, tmp_path):
    monkeypatch.delenv(leaks.LEAKS_FILE_ENV, raising=False)
    leaks.record_leak(Leak("t", None, str(tmp_path)))
    assert list(tmp_path.iterdir()) == []


def test_leaks_since_an_offset_each_once(leaks_file, tmp_path):
    md = page(tmp_path)
    leaks.record_leak(Leak("old", str(md), str(md.parent)))
    offset = leaks_file.stat().st_size
    leaks.record_leak(Leak("new", str(md), str(md.parent), line=4))
    leaks.record_leak(Leak("new", str(md), str(md.parent), line=4))
    with leaks_file.open("a") as handle:
        handle.write("not json\n")
    assert [leak.label for leak in leaks.leaks_since(leaks_file, offset)] == ["new"]


def test_pending_leaks_stand_until_the_page_runs_again(leaks_file, tmp_path):
    md, source = page(tmp_path), tmp_path / "site"
    leak = Leak("hub token", str(md), str(md.parent), line=4, code=leaks.code_digest("print(token)"))
    leaks.record_leak(leak)
    assert leaks.pending_leaks(leaks_file, source) == [leak]
    leaks.record_executed(str(md), str(md.parent))
    assert leaks.pending_leaks(leaks_file, source) == []


def test_a_nested_run_stands_apart_from_the_pages_own_run(leaks_file, tmp_path, monkeypatch):
    md, source = page(tmp_path), tmp_path / "site"
    monkeypatch.setenv(leaks.RUN_BY_ENV, str(source / "matrix.md"))
    nested = Leak("t", str(md), str(md.parent), line=4, run_by=str(source / "matrix.md"))
    leaks.record_leak(nested)
    monkeypatch.delenv(leaks.RUN_BY_ENV)
    leaks.record_executed(str(md), str(md.parent))  # the page's own run does not clear the nested one
    assert leaks.pending_leaks(leaks_file, source) == [nested]


def test_pending_leaks_leave_out_other_sites_gone_pages_and_removed_code(leaks_file, tmp_path, monkeypatch):
    md, source = page(tmp_path), tmp_path / "site"
    leaks.record_leak(Leak("removed", str(md), str(md.parent), line=4, code=leaks.code_digest("gone()")))
    leaks.record_leak(Leak("gone", str(md.parent / "deleted.md"), str(md.parent)))
    leaks.record_leak(Leak("outside", str(tmp_path / "elsewhere.md"), str(tmp_path)))
    monkeypatch.setenv(leaks.SITE_SOURCE_ENV, str(tmp_path / "fixture-site"))
    leaks.record_leak(Leak("other site", str(md), str(md.parent)))
    assert leaks.pending_leaks(leaks_file, source) == []
