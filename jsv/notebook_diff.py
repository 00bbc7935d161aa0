"""Published vs re-executed runbook outputs, compared with pytest-notebook's regression machinery.

A claim's verdict can stay the same while what the page shows changes: a
header's value, a message, a default.  :func:`regression_fixture` is
pytest-notebook's ``NBRegressionFixture`` with this project's rules — what
varies between runs is replaced (``diff_replace``, :mod:`jsv.varying`, and the
cache-key cell), and cell ids, metadata and execution counts are ignored
(``diff_ignore``) — so what is
left is a readable diff of real changes.  The drift check compares the
executed notebooks of two builds (``<builddir>/jupyter_execute``) with
:func:`output_diff`; the tests re-execute a fixture runbook with the fixture.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from pytest_notebook.diffing import diff_notebooks, diff_to_string, filter_diff
from pytest_notebook.nb_regression import NBRegressionFixture
from pytest_notebook.notebook import regex_replace_nb

from jsv.varying import VARYING

DIFF_REPLACE: tuple[tuple[str, str, str], ...] = (
    *(("/cells/*/outputs", pattern, placeholder) for pattern, placeholder in VARYING),
    # the cache-key cell the site build inserts names the images and package digest: they differ by design
    ("/cells/*/source", r"JSV_RUNBOOK_KEY = .*", "JSV_RUNBOOK_KEY = <this build's images and package>"),
)
DIFF_IGNORE: tuple[str, ...] = (
    "/metadata",
    "/cells/*/id",  # MyST-NB gives every cell a new random id each time it reads a page
    "/cells/*/metadata",
    "/cells/*/execution_count",
    "/cells/*/outputs/*/execution_count",
    "/cells/*/outputs/*/metadata",
)


def regression_fixture(timeout: int = 120) -> NBRegressionFixture:
    """pytest-notebook's fixture with the project's replace and ignore rules."""
    return NBRegressionFixture(diff_replace=DIFF_REPLACE, diff_ignore=DIFF_IGNORE, exec_timeout=timeout)


def output_diff(published: nbformat.NotebookNode, rerun: nbformat.NotebookNode) -> str:
    """The readable diff of two executions of one notebook (empty when only what varies differs)."""
    before, after = regex_replace_nb(published, DIFF_REPLACE), regex_replace_nb(rerun, DIFF_REPLACE)
    diff = filter_diff(diff_notebooks(before, after), list(DIFF_IGNORE))
    return diff_to_string(before, diff, use_color=False) if diff else ""


def notebook_diffs(published_dir: Path, rerun_dir: Path) -> dict[str, str]:
    """Per executed notebook (path under the folder), its output diff; missing on one side is reported too."""
    published = {p.relative_to(published_dir).as_posix(): p for p in published_dir.rglob("*.ipynb")}
    rerun = {p.relative_to(rerun_dir).as_posix(): p for p in rerun_dir.rglob("*.ipynb")}
    diffs = {}
    for name in sorted(published.keys() | rerun.keys()):
        if name not in published or name not in rerun:
            diffs[name] = f"only in {published_dir if name in published else rerun_dir}"
            continue
        text = output_diff(
            nbformat.read(published[name], as_version=4), nbformat.read(rerun[name], as_version=4)
        )
        if text:
            diffs[name] = text
    return diffs
