"""pytest-notebook's regression fixture with the project's rules, over a fixture runbook."""

from pathlib import Path

import nbformat
import pytest
from pytest_notebook.nb_regression import NBRegressionError

from jsv.notebook_diff import notebook_diffs, output_diff, regression_fixture

PUBLISHED = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks" / "published.ipynb"


def test_re_executing_the_fixture_runbook_differs_only_in_what_varies():
    result = regression_fixture().check(str(PUBLISHED))
    assert result.diff_filtered == []


def test_a_changed_header_shows_as_a_readable_diff(tmp_path):
    notebook = nbformat.read(PUBLISHED, as_version=4)
    notebook.cells[1].outputs[0]["text"] = notebook.cells[1].outputs[0]["text"].replace("'self'", "'none'")
    changed = tmp_path / "changed.ipynb"
    nbformat.write(notebook, changed)
    with pytest.raises(NBRegressionError) as raised:
        regression_fixture().check(str(changed))
    assert "frame-ancestors 'none'" in str(raised.value) and "frame-ancestors 'self'" in str(raised.value)


def test_two_builds_executed_notebooks_are_compared_page_by_page(tmp_path):
    published, rerun = tmp_path / "pinned", tmp_path / "latest"
    for folder in (published, rerun):
        (folder / "runbooks").mkdir(parents=True)
    same = nbformat.read(PUBLISHED, as_version=4)
    nbformat.write(same, published / "runbooks" / "page.ipynb")
    moved = nbformat.read(PUBLISHED, as_version=4)
    moved.cells[1].outputs[0]["text"] = (
        moved.cells[1].outputs[0]["text"].replace("2026-11-30T12:00:00", "2027-01-01T08:30:00")
    )
    nbformat.write(moved, rerun / "runbooks" / "page.ipynb")
    assert notebook_diffs(published, rerun) == {}
    nbformat.write(same, published / "runbooks" / "gone.ipynb")
    assert notebook_diffs(published, rerun) == {"runbooks/gone.ipynb": f"only in {published}"}
    assert output_diff(same, moved) == ""


def test_cell_ids_and_the_cache_key_cell_are_not_changes_but_an_output_still_is():
    # a real drift run compared 22 pages and reported every cell id and key cell as changed (329 + 21)
    published = nbformat.read(PUBLISHED, as_version=4)
    published.cells.insert(0, nbformat.v4.new_code_cell('JSV_RUNBOOK_KEY = {"images": {"hub": "jsv/hub:1"}}'))
    rerun = nbformat.read(PUBLISHED, as_version=4)
    rerun.cells.insert(
        0, nbformat.v4.new_code_cell('JSV_RUNBOOK_KEY = {"images": {"hub": "jsv/hub:latest-2"}}')
    )
    assert published.cells[0].id != rerun.cells[0].id
    assert output_diff(published, rerun) == ""
    rerun.cells[2].outputs[0]["text"] = rerun.cells[2].outputs[0]["text"].replace("'self'", "'none'")
    assert "frame-ancestors 'none'" in output_diff(published, rerun)
