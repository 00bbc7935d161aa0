"""The build (jsv.build, jsv.execution) and the Sphinx extension (jsv.site) do not import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "jsv"


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("site", ("jsv.build", "jsv.execution")), ("build", ("jsv.site",)), ("execution", ("jsv.site",))],
)
def test_the_build_and_the_sphinx_extension_stay_apart(package, forbidden):
    crossing = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in (PACKAGE / package).rglob("*.py")
        for name in imported(path)
        if name.startswith(forbidden)
    }
    assert crossing == set()


def test_the_command_line_is_parsing_and_dispatch():
    assert len((PACKAGE / "__main__.py").read_text().splitlines()) < 150
