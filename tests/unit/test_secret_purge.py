"""A secret found at the end of the build leaves every file of it before the build fails (issue 38)."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from jsv.build.site import _ONE_LINE
from jsv.execution.plan import read_notebook
from jsv.redaction import SECRETS_FILE_ENV, RecordedSecret
from jsv.secret_purge import purge_build
from jsv.site import purge as site_purge

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "leak_pages"
LATE = PAGES / "late.md"
TOKEN = "3c9e0f5a17b2d4e6a8c0f1e2d3c4b5a6f7e8d9c0"
SECRETS = [RecordedSecret("fixture-late-token", TOKEN)]


def _executed() -> nbformat.NotebookNode:
    notebook = read_notebook(LATE.read_text(), LATE)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    code[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"http://127.0.0.1:8888/lab?token={TOKEN}\n")
    ]
    return notebook


@pytest.fixture
def build(tmp_path):
    """A build as Sphinx and MyST-NB leave it when a cell printed a token it registered later."""
    root = tmp_path / "_build"
    html, doctrees, executed = root / "html", root / "doctrees", root / "jupyter_execute"
    for folder in (html, doctrees, executed):
        folder.mkdir(parents=True)
    (html / "late.html").write_text(f"<pre>http://127.0.0.1:8888/lab?token={TOKEN}</pre>\n<p>kept</p>")
    (html / "index.html").write_text("<p>nothing here</p>")
    (html / "searchindex.js").write_text('Search.setIndex({"terms": {"' + TOKEN + '": 0, "kept": 0}})')
    (doctrees / "late.doctree").write_bytes(pickle.dumps({"text": f"token={TOKEN}"}))
    (doctrees / "index.doctree").write_bytes(pickle.dumps({"text": "nothing"}))
    (doctrees / "environment.pickle").write_bytes(pickle.dumps({"docs": ["late", "index"]}))
    nbformat.write(_executed(), executed / "late.ipynb")
    cache = get_cache(str(root / ".jupyter_cache"))
    cache.cache_notebook_bundle(CacheBundleIn(_executed(), str(LATE)), check_validity=False)
    return root


def _holding(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()
    )


def test_purge_takes_the_secret_out_of_every_file_and_names_the_cell(build):
    assert len(_holding(build)) == 5  # the control: html, search index, doctree, executed, cache
    report = purge_build(
        [build / "html", build / "doctrees", build / "jupyter_execute"],
        SECRETS,
        build / ".jupyter_cache",
        PAGES,
    )
    assert _holding(build) == []
    assert report.left == ()
    line = LATE.read_text().splitlines().index("import secrets") + 1
    assert report.error_lines(PAGES) == [
        f"secret «fixture-late-token» in the output of late.md:{line} (cell 1) reached the build: "
        "removed from the 5 file(s) of the build that held it; the next build runs the page again"
    ]
    assert get_cache(str(build / ".jupyter_cache")).list_cache_records() == []  # the page runs again
    assert not (build / "doctrees" / "late.doctree").exists()
    assert not (build / "doctrees" / "environment.pickle").exists()  # Sphinx reads every page again
    assert (build / "doctrees" / "index.doctree").exists()
    page = (build / "html" / "late.html").read_text()
    assert "token=«redacted:fixture-late-token»" in page and "<p>kept</p>" in page
    assert '"kept": 0' in (build / "html" / "searchindex.js").read_text()
    again = purge_build([build], SECRETS, build / ".jupyter_cache", PAGES)
    assert again.clean and again.error_lines() == []


def test_the_sphinx_build_fails_with_one_line_per_secret_and_cell(build, monkeypatch, capsys):
    secrets_file = build.parent / "secrets.txt"
    secrets_file.write_text(f"fixture-late-token\t{TOKEN}\n")
    monkeypatch.setenv(SECRETS_FILE_ENV, str(secrets_file))
    cache = build / ".jupyter_cache"
    app = SimpleNamespace(
        outdir=str(build / "html"),
        doctreedir=str(build / "doctrees"),
        srcdir=str(PAGES),
        env=SimpleNamespace(mystnb_config=SimpleNamespace(execution_cache_path=str(cache))),
        config=SimpleNamespace(nb_execution_cache_path=""),
        statuscode=0,
    )
    site_purge._purge(app, None)
    assert app.statuscode == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and TOKEN not in lines[0]
    assert lines[0].startswith("SecretPublishedError: secret «fixture-late-token» in the output of late.md:")
    match = _ONE_LINE.search(lines[0])  # what python -m jsv site reports as the build's error
    assert match and match.group(1) == "SecretPublishedError"
    assert _holding(build) == []


def test_no_secrets_file_no_purge(build, monkeypatch):
    monkeypatch.delenv(SECRETS_FILE_ENV, raising=False)
    app = SimpleNamespace(statuscode=0)
    site_purge._purge(app, None)
    assert app.statuscode == 0 and len(_holding(build)) == 5
