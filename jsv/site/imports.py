"""Which ``jsv`` files a runbook page depends on: what its code cells (transitively) import.

A page re-executes when one of these files changed, and not when another part of
the package did (e.g. the site glue, the CLI, the execution pool, or an
environment the page never starts).  The closure is taken over every ``import``
statement anywhere in a module (also inside functions), so a lazy import counts.
Besides imported modules it includes:

* every ``__init__.py`` on the way to an imported module (importing runs them);
* the whole folder of a package a module reads with
  ``importlib.resources.files("<package>")`` (data and probe scripts are read, not imported).

What cannot be seen this way (a module named in a string and imported with
``importlib.import_module``) does not occur in the package; should it appear, the
safe fallback is to list that module in :data:`EVERY_PAGE`.
"""

from __future__ import annotations

import ast
import hashlib
import re
from functools import cache
from pathlib import Path

PACKAGE = "jsv"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Modules every page depends on whatever it imports: none today; see the module docstring.
EVERY_PAGE: tuple[str, ...] = ()
_MAGIC = re.compile(r"^\s*[%!].*$", re.MULTILINE)


def module_file(name: str) -> Path | None:
    """The file of module ``name`` (``jsv.x.y``) in this package, or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # a submodule, maybe
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def _resource_packages(tree: ast.AST) -> set[str]:
    """Packages named in ``resources.files("<package>")`` calls."""
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "files"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


@cache
def _module_edges(path: Path) -> tuple[frozenset[str], frozenset[Path]]:
    """(jsv modules imported, data files read) by one module file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    data: set[Path] = set()
    for package in _resource_packages(tree):
        folder = module_file(package)
        if folder is not None and folder.name == "__init__.py":
            data.update(p for p in folder.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return frozenset(_imported_names(tree)), frozenset(data)


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def closure(names: set[str]) -> set[Path]:
    """Every file the modules ``names`` bring in (modules, their packages' ``__init__``, data read)."""
    files: set[Path] = set()
    todo = [parent for name in (*names, *EVERY_PAGE) for parent in _with_parents(name)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is None:
            continue
        files.add(path)
        imported, data = _module_edges(path)
        files.update(data)
        todo.extend(parent for module in imported for parent in _with_parents(module))
    return files


def cell_imports(code_cells: list[str]) -> set[str]:
    """The ``jsv`` modules a page's code cells import (IPython magics and shell lines ignored)."""
    names: set[str] = set()
    for source in code_cells:
        try:
            tree = ast.parse(_MAGIC.sub("", source))
        except SyntaxError:  # a cell that does not parse: assume it may import anything
            return all_modules()
        names |= _imported_names(tree)
    return names


def all_modules() -> set[str]:
    return {
        ".".join((PACKAGE, *p.relative_to(PACKAGE_DIR).with_suffix("").parts)).removesuffix(".__init__")
        for p in PACKAGE_DIR.rglob("*.py")
    }


def digest_of(files: set[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
