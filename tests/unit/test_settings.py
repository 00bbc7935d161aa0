"""Every JSV_* switch is read through jsv.settings, and the contributors' table is generated from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from jsv import settings

ROOT = Path(__file__).resolve().parents[2]
CONTAINER_SIDE = ROOT / "jsv" / "probes" / "scripts"  # scripts run inside the lab's containers


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", "") == "os"
    )


def _names_a_switch(key: ast.AST) -> bool:
    if isinstance(key, ast.Constant):
        return isinstance(key.value, str) and key.value.startswith("JSV_")
    return isinstance(key, ast.Name) and key.id.endswith("_ENV")


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read a JSV_* variable from the process environment: ``os.environ[NAME]`` (loaded, not
    assigned), ``os.environ.get(NAME)``, ``os.getenv(NAME)``, NAME a ``"JSV_..."`` literal or a ``*_ENV``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
            key = node.slice
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.func, ast.Attribute)
            and (
                (node.func.attr == "get" and _is_environ(node.func.value))
                or (node.func.attr == "getenv" and getattr(node.func.value, "id", "") == "os")
            )
        ):
            key = node.args[0]
        else:
            continue
        if _names_a_switch(key):
            lines.append(node.lineno)
    return lines


def test_no_module_reads_a_switch_from_the_environment_itself():
    sources = [ROOT / "conf.py", *(ROOT / "jsv").rglob("*.py")]
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sources
        if path != ROOT / "jsv" / "settings.py" and CONTAINER_SIDE not in path.parents
        for line in environment_reads(ast.parse(path.read_text()))
    ]
    assert offenders == [], "read it through jsv.settings: " + ", ".join(offenders)


def test_the_check_finds_reads_and_skips_writes_and_code_in_strings():
    code = (
        'a = os.environ.get("JSV_X")\nb = os.environ[X_ENV]\nos.environ[X_ENV] = "1"\n'
        "c = \"os.environ['JSV_Y']\"\nd = os.getenv('JSV_Z')\n"
    )
    assert environment_reads(ast.parse(code)) == [1, 2, 5]


def test_every_switch_named_in_the_package_is_declared():
    declared = {s.name for s in settings.SETTINGS}
    named = set()
    for path in (ROOT / "jsv").rglob("*.py"):
        if CONTAINER_SIDE in path.parents or "environments" in path.parts or "observations" in path.parts:
            continue  # the lab's containers read their own JSV_* variables (the images' interface)
        if path.parent.name == "probes" or path.name == "settings.py":
            continue  # the probes' login scripts run in the containers too
        named |= set(re.findall(r"\bJSV_[A-Z_]+[A-Z]\b", path.read_text()))
    named -= {"JSV_RUNBOOK_KEY"}  # the name of a page's key line in a notebook, not a switch
    assert named - declared == set()


def test_the_contributors_table_is_generated_from_the_declarations():
    text = (ROOT / "docs" / "contributing.md").read_text()
    found = re.search(r"<!-- settings-table:[^>]*-->\n(.*?)\n<!-- end settings-table -->", text, re.S)
    assert found and found.group(1) == settings.markdown_table(), "run python -m jsv.settings"


@pytest.mark.parametrize(
    ("environ", "raw", "on"),
    [({}, "", False), ({"JSV_VERBOSE": " 1 "}, "1", True), ({"JSV_VERBOSE": "0"}, "0", False)],
)
def test_a_flag_is_on_when_set_to_anything_but_0(environ, raw, on):
    assert (settings.VERBOSE.raw(environ), settings.VERBOSE.on(environ)) == (raw, on)


def test_an_unset_or_empty_switch_has_its_default():
    assert settings.JOBS.raw({}) == settings.JOBS.raw({"JSV_JOBS": "  "}) == "4"
    assert not settings.JOBS.is_set({"JSV_JOBS": " "})


def test_a_switch_set_for_a_block_is_restored_after_it(monkeypatch):
    monkeypatch.delenv("JSV_COLUMN", raising=False)
    monkeypatch.setenv("JSV_RECORD_FAILURES", "0")
    with settings.COLUMN.set_to("debian-trixie"), settings.RECORD_FAILURES.set_to("1"):
        assert (settings.COLUMN.raw(), settings.RECORD_FAILURES.on()) == ("debian-trixie", True)
    assert not settings.COLUMN.is_set() and settings.RECORD_FAILURES.raw() == "0"
