"""Leak records: secrets a runbook cell wrote below ``sys.stdout``, kept until the page runs again.

The kernel's output filter (:class:`jsv.redaction.KernelOutputFilter`) redacts
such a secret and calls :func:`record_leak` (label, page and line — never the
value) into ``JSV_LEAKS_FILE`` (mode 0600); the site build reads
:func:`pending_leaks` afterwards and fails with one :meth:`Leak.error_line` each.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LEAKS_FILE_ENV = "JSV_LEAKS_FILE"
SITE_SOURCE_ENV = "JSV_SITE_SOURCE"  # the Sphinx source dir a leak record belongs to
UNLABELLED = "unlabelled"  # the label of a secret recorded without one (a bare value line)


@dataclass(frozen=True)
class Leak:
    """A secret a cell wrote below ``sys.stdout``, as recorded in the leaks file.

    ``page`` is the source file of the page (absolute), when the kernel could tell;
    ``directory`` the kernel's working directory (MyST-NB runs a page in its own
    directory); ``line`` the line of the cell's code in ``page`` (a text page) or the
    cell's number (a ``.ipynb`` page, ``cell`` true).
    """

    label: str
    page: str | None
    directory: str
    line: int | None = None
    cell: bool = False

    def where(self, source: str | os.PathLike[str] | None = None) -> str:
        """``runbooks/page.md:27`` (relative to ``source`` when under it), or the directory."""
        if self.page is None:
            return f"{_shown(self.directory, source)}/ (page not found)"
        shown = _shown(self.page, source)
        if self.line is None:
            return shown
        return f"{shown} cell {self.line}" if self.cell else f"{shown}:{self.line}"

    def error_line(self, source: str | os.PathLike[str] | None = None) -> str:
        return (
            f"error: site build failed: {self.where(source)}: a cell wrote secret «{self.label}» "
            "to its output at the file-descriptor level (os.write / subprocess); "
            "redacted, but fix the cell (capture the output and pass it through redact())"
        )


def _shown(path: str, source: str | os.PathLike[str] | None) -> str:
    if source is not None:
        try:
            return Path(path).resolve().relative_to(Path(source).resolve()).as_posix()
        except ValueError:
            pass
    return path


PAGE_SUFFIXES = (".md", ".ipynb", ".py", ".myst", ".txt", ".rst")


def locate_cell(code: str, directory: str, page: str | None = None) -> tuple[str | None, int | None, bool]:
    """The page (in ``directory``, or ``page`` itself) holding the cell ``code``, and where.

    Returns ``(page, line, cell)``: the line of the code's first line in a text page
    (``cell`` false) or the cell's number in a notebook (``cell`` true); ``line`` is
    ``None`` when the code was not found (then ``page`` is ``page`` as given).
    """
    wanted = code.strip("\n")
    if not wanted.strip():
        return page, None, False
    candidates = [Path(page)] if page else sorted(Path(directory).glob("*"))
    for path in candidates:
        if path.suffix not in PAGE_SUFFIXES or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if path.suffix == ".ipynb":
            number = _notebook_cell(text, wanted)
            if number is not None:
                return str(path.resolve()), number, True
            continue
        at = text.find(wanted)
        if at >= 0:
            return str(path.resolve()), text.count("\n", 0, at) + 1, False
    return page, None, False


def _notebook_cell(text: str, code: str) -> int | None:
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return None
    code_cells = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        source = cell.get("source", "")
        if ("".join(source) if isinstance(source, list) else str(source)).strip("\n") == code:
            return number
    return None


def _append_leak_record(record: dict[str, Any]) -> None:
    path = os.environ.get(LEAKS_FILE_ENV)
    if not path:
        return
    record = {**record, "site": os.environ.get(SITE_SOURCE_ENV)}
    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")


def record_executed(page: str | None, directory: str) -> None:
    """Note in the leaks file that ``page`` runs now: its leaks of earlier builds no longer count."""
    _append_leak_record({"event": "executed", "page": page, "dir": directory})


def record_leak(leak: Leak) -> None:
    """Append ``leak`` to the leaks file (``JSV_LEAKS_FILE``, mode 0600); no value, only the label."""
    _append_leak_record(
        {
            "event": "leak",
            "label": leak.label,
            "page": leak.page,
            "dir": leak.directory,
            "line": leak.line,
            "cell": leak.cell,
        }
    )


def pending_leaks(path: str | os.PathLike[str], source: str | os.PathLike[str]) -> list[Leak]:
    """The leaks of the site built from ``source`` that still stand, each once, in file order.

    A page's leak stands until the page is executed again (an ``executed`` record): a
    page served from the execution cache keeps the verdict of the run that executed it.
    Leaks of another site (the ``site`` of a record, :data:`SITE_SOURCE_ENV`: fixture
    sites lie inside the project's), of pages outside ``source`` or that no longer
    exist are left out.
    """
    file = Path(path)
    if not file.is_file():
        return []
    root = Path(source).resolve()
    leaks: dict[str, list[Leak]] = {}
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if record.get("site") and Path(record["site"]).resolve() != root:
            continue
        key = str(record.get("page") or record.get("dir"))
        if record.get("event") == "executed":
            leaks[key] = []
        elif record.get("event") == "leak":
            leak = Leak(
                label=str(record.get("label") or UNLABELLED),
                page=record.get("page"),
                directory=str(record.get("dir") or ""),
                line=record.get("line"),
                cell=bool(record.get("cell")),
            )
            leaks.setdefault(key, []).append(leak)
    standing: dict[Leak, None] = {}
    for page_leaks in leaks.values():
        for leak in page_leaks:
            where = Path(leak.page or leak.directory).resolve()
            if where.is_relative_to(root) and where.exists():
                standing[leak] = None
    return list(standing)
