"""A runbook's machinery digest covers what its cells import, transitively (jsv.site.imports)."""

from jsv.site.imports import PACKAGE_DIR, all_modules, cell_imports, closure


def _relative(files):
    return {f.relative_to(PACKAGE_DIR).as_posix() for f in files}


def test_closure_follows_imports_and_skips_the_build_machinery():
    files = _relative(closure(cell_imports(["from jsv.runbook import setup_runbook\n%matplotlib inline"])))
    assert {"__init__.py", "runbook.py", "environments/__init__.py", "environments/resources.py"} <= files
    assert not any(f.startswith(("site/", "execution/", "build/")) for f in files)
    assert "__main__.py" not in files and "page_runner.py" not in files


def test_data_read_through_importlib_resources_counts():
    files = _relative(closure({"jsv.claims.registry"}))
    assert "data/claims.schema.json" in files and "data/seed_catalogue.json" in files


def test_non_jsv_imports_and_no_imports_depend_on_nothing():
    assert cell_imports(["import os\nfrom pathlib import Path"]) == set()
    assert closure(set()) == set()


def test_a_cell_that_does_not_parse_depends_on_everything():
    assert cell_imports(["def broken(:\n"]) == all_modules()


def test_a_page_depends_on_what_the_pages_it_runs_import(tmp_path):
    from jsv.pages import package_digest

    cell = "---\nfile_format: mystnb\n{meta}---\n\n```{{code-cell}} ipython3\n{code}\n```\n"
    (tmp_path / "ran").mkdir()
    (tmp_path / "matrix").mkdir()
    ran, page = tmp_path / "ran" / "page.md", tmp_path / "matrix" / "runner.md"
    ran.write_text(cell.format(meta="", code="from jsv.polling import poll_until"))
    runner = cell.format(meta="jsv:\n  depends: [../ran/*.md]\n", code="import os")
    with_ran = package_digest(runner, page)
    assert with_ran != package_digest(cell.format(meta="", code="import os"), page)  # jsv.polling counts
    ran.write_text(cell.format(meta="", code="from jsv.errors import JsvError"))
    assert package_digest(runner, page) != with_ran  # and it follows what the ran page imports now
