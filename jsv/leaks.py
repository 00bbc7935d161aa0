"""Leak records: secrets a runbook cell wrote below ``sys.stdout``, kept until the page runs again.

The kernel's output filter (:class:`jsv.redaction.KernelOutputFilter`) redacts
such a secret and calls :func:`record_leak` (label, page and line — never the
value) into ``JSV_LEAKS_FILE`` (mode 0600); the site build reads
:func:`pending_leaks` afterwards and fails with one :meth:`Leak.error_line` each.

A kernel started by :mod:`jsv.execution.kernel` knows its page (``JSV_PAGE``) and the
page whose cell started it (``JSV_RUN_BY``: a matrix page re-running a page); a leak
of a nested run is kept apart from the leaks of the page's own run.  A leak also
carries a digest of the code of the cell that wrote it: once that code is no longer
in the page (the line was removed), the leak no longer stands, even if the page's
earlier, clean version is then served from the execution cache without running.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsv import settings

LEAKS_FILE_ENV = settings.LEAKS_FILE.name
SITE_SOURCE_ENV = settings.SITE_SOURCE.name  # the Sphinx source dir a leak record belongs to
UNLABELLED = "unlabelled"  # the label of a secret recorded without one (a bare value line)
PAGE_ENV = settings.PAGE.name  # the page a kernel runs (set by jsv.execution.kernel)
RUN_BY_ENV = settings.RUN_BY.name  # the page whose cell started that kernel (a matrix page), if any


@dataclass(frozen=True)
class Leak:
    """A secret a cell wrote below ``sys.stdout``, as recorded in the leaks file.

    ``page`` is the source file of the page (absolute), when the kernel could tell;
    ``directory`` the kernel's working directory (MyST-NB runs a page in its own
    directory); ``line`` the line of the cell's code in ``page`` (a text page) or the
    cell's number (a ``.ipynb`` page, ``cell`` true); ``run_by`` the page that ran this
    one in a nested kernel; ``code`` the digest of the cell's code (:func:`code_digest`).
    """

    label: str
    page: str | None
    directory: str
    line: int | None = None
    cell: bool = False
    run_by: str | None = None
    code: str | None = field(default=None, compare=False)

    def where(self, source: str | os.PathLike[str] | None = None) -> str:
        """``runbooks/page.md:27`` (relative to ``source`` when under it), or the directory."""
        by = f" (run by {_shown(self.run_by, source)})" if self.run_by else ""
        if self.page is None:
            return f"{_shown(self.directory, source)}/ (page not found){by}"
        shown = _shown(self.page, source)
        if self.line is None:
            return shown + by
        return (f"{shown} cell {self.line}" if self.cell else f"{shown}:{self.line}") + by

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
    page = page or settings.PAGE.raw() or None
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


def code_digest(code: str) -> str:
    """``<lines>:<sha256>`` of a cell's code (stripped of blank ends, as :func:`locate_cell` looks for it)."""
    wanted = code.strip("\n")
    return f"{wanted.count(chr(10)) + 1}:{hashlib.sha256(wanted.encode('utf-8')).hexdigest()}"


def _cells_of(text: str) -> list[str]:
    """The code of every code cell of a notebook (``.ipynb`` text)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return []
    return [
        "".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
        for c in cells
        if isinstance(c, dict) and c.get("cell_type") == "code"
    ]


def still_in_page(leak: Leak) -> bool:
    """Whether the code of the cell that wrote ``leak`` is still in its page (unknown: yes)."""
    if not leak.code or not leak.page:
        return True
    path = Path(leak.page)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True
    if path.suffix == ".ipynb":
        return any(code_digest(code) == leak.code for code in _cells_of(text))
    size, _, _digest = leak.code.partition(":")
    if not size.isdigit():
        return True
    lines = text.split("\n")
    return any(
        code_digest("\n".join(lines[start : start + int(size)])) == leak.code
        for start in range(len(lines) - int(size) + 1)
    )


def _notebook_cell(text: str, code: str) -> int | None:
    for number, source in enumerate(_cells_of(text), start=1):
        if source.strip("\n") == code:
            return number
    return None


def _append_leak_record(record: dict[str, Any]) -> None:
    path = settings.LEAKS_FILE.raw()
    if not path:
        return
    record = {**record, "site": settings.SITE_SOURCE.raw() or None}
    Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")


def record_executed(page: str | None, directory: str) -> None:
    """Note in the leaks file that ``page`` runs now: its leaks of earlier builds no longer count."""
    _append_leak_record(
        {"event": "executed", "page": page, "dir": directory, "run_by": settings.RUN_BY.raw() or None}
    )


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
            "run_by": leak.run_by,
            "code": leak.code,
        }
    )


def _records(file: Path, offset: int = 0) -> list[dict[str, Any]]:
    """The JSON records of a leaks file from byte ``offset`` on (lines that do not parse are skipped)."""
    try:
        with file.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            found.append(record)
    return found


def _leak(record: dict[str, Any]) -> Leak:
    return Leak(
        label=str(record.get("label") or UNLABELLED),
        page=record.get("page"),
        directory=str(record.get("dir") or ""),
        line=record.get("line"),
        cell=bool(record.get("cell")),
        run_by=record.get("run_by") or None,
        code=record.get("code") or None,
    )


def leaks_since(path: str | os.PathLike[str], offset: int) -> list[Leak]:
    """The leaks recorded in ``path`` after byte ``offset`` (one run's), each once, in file order."""
    found = [_leak(r) for r in _records(Path(path), offset) if r.get("event") == "leak"]
    return list(dict.fromkeys(found))


def pending_leaks(path: str | os.PathLike[str], source: str | os.PathLike[str]) -> list[Leak]:
    """The leaks of the site built from ``source`` that still stand, each once, in file order.

    A page's leak stands until the page is executed again (an ``executed`` record) or
    the code of the cell that wrote it is no longer in the page (:func:`still_in_page`):
    a page served from the execution cache keeps the verdict of the run that executed
    it.  A nested run of a page (``run_by``) stands apart from the page's own run.
    Leaks of another site (the ``site`` of a record, :data:`SITE_SOURCE_ENV`: fixture
    sites lie inside the project's), of pages outside ``source`` or that no longer
    exist are left out.
    """
    root = Path(source).resolve()
    leaks: dict[tuple[str, str | None], list[Leak]] = {}
    for record in _records(Path(path)):
        if record.get("site") and Path(record["site"]).resolve() != root:
            continue
        key = (str(record.get("page") or record.get("dir")), record.get("run_by") or None)
        if record.get("event") == "executed":
            leaks[key] = []
        elif record.get("event") == "leak":
            leaks.setdefault(key, []).append(_leak(record))
    standing: dict[Leak, None] = {}
    for page_leaks in leaks.values():
        for leak in page_leaks:
            where = Path(leak.page or leak.directory).resolve()
            if where.is_relative_to(root) and where.exists() and still_in_page(leak):
                standing[leak] = None
    return list(standing)
