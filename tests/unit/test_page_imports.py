"""A runbook's machinery digest covers what its cells import, transitively (jsv.site.imports)."""

from jsv.site.imports import PACKAGE_DIR, all_modules, cell_imports, closure


def _relative(files):
    return {f.relative_to(PACKAGE_DIR).as_posix() for f in files}


def test_closure_follows_imports_and_skips_the_build_machinery():
    files = _relative(closure(cell_imports(["from jsv.runbook import setup_runbook\n%matplotlib inline"])))
    assert {"__init__.py", "runbook.py", "environments/__init__.py", "environments/resources.py"} <= files
    assert not any(f.startswith(("site/", "execution/")) for f in files)
    assert "__main__.py" not in files and "page_runner.py" not in files


def test_data_read_through_importlib_resources_counts():
    files = _relative(closure({"jsv.claims.registry"}))
    assert "data/claims.schema.json" in files and "data/seed_catalogue.json" in files


def test_non_jsv_imports_and_no_imports_depend_on_nothing():
    assert cell_imports(["import os\nfrom pathlib import Path"]) == set()
    assert closure(set()) == set()


def test_a_cell_that_does_not_parse_depends_on_everything():
    assert cell_imports(["def broken(:\n"]) == all_modules()
