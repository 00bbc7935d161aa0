"""Registered secrets in the outputs of an executed notebook, by cell: checked before a result is kept.

Redaction works on values known when the output is made; a value registered later,
or a kernel whose redaction was bypassed, leaves it in the notebook.  The worker
(:mod:`jsv.execution.worker`) checks the executed notebook against the secrets file
before the execution cache, and so the HTML, the search index and the doctrees, get
it: a hit fails the page with one line per secret and cell, never the value.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from jsv.leaks import locate_cell
from jsv.redaction import RecordedSecret
from jsv.secret_scan import Needles


@dataclass(frozen=True, order=True)
class OutputSecret:
    """The secret labelled ``label`` is in an output of code cell ``cell`` (1-based) of ``page``.

    ``line`` is the line of the cell's code in ``page`` when found there.
    """

    page: str
    cell: int
    label: str
    line: int | None = None

    def where(self, source: str | os.PathLike[str] | None = None) -> str:
        shown = self.page
        if source is not None:
            try:
                shown = Path(self.page).resolve().relative_to(Path(source).resolve()).as_posix()
            except ValueError:
                pass
        return f"{shown}:{self.line} (cell {self.cell})" if self.line else f"{shown} cell {self.cell}"

    def message(self, source: str | os.PathLike[str] | None = None) -> str:
        return (
            f"{self.where(source)}: secret «{self.label}» is in the cell's output (not redacted when it "
            "was shown: registered later, or written past the kernel's redaction); the result was not kept"
        )

    def error_line(self, source: str | os.PathLike[str] | None = None) -> str:
        return f"error: site build failed: {self.message(source)}"


def _source(cell: nbformat.NotebookNode) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def secrets_in_outputs(
    notebook: nbformat.NotebookNode, secrets: Iterable[RecordedSecret], page: Path
) -> list[OutputSecret]:
    """Each (code cell, label) whose outputs hold a value of ``secrets``, in cell order."""
    needles = Needles(secrets)
    if not needles.labels:
        return []
    found = []
    code_cells = [cell for cell in notebook.cells if cell.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        outputs = json.dumps(cell.get("outputs", []), ensure_ascii=False).encode("utf-8")
        labels = needles.labels_in(outputs)
        if not labels:
            continue
        _page, line, is_cell = locate_cell(_source(cell), str(page.parent), str(page))
        line = None if is_cell else line  # a notebook page: its cell number is ``cell``
        found += [OutputSecret(str(page.resolve()), number, label, line) for label in sorted(labels)]
    return found
