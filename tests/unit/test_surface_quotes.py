"""A review's quoted code is checked against the installed file: a stale quote fails with one line."""

from __future__ import annotations

import runpy
from importlib import resources
from pathlib import Path

import pytest

from jsv.surface.model import Quote, Review
from jsv.surface.quotes import quote_source, stale_quotes

SOURCE = """\
class InfoAPIHandler:
    @needs_scope('read:hub')
    def get(self):
        # read-only
        self.write(info)


def helper():
    return 1
"""


@pytest.fixture
def check(tmp_path: Path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "hub.py").write_text(SOURCE)
    script = resources.files("jsv.surface").joinpath("scripts/quote_lines.py")
    found = runpy.run_path(str(script))["check"]
    return lambda file, function, lines: found(
        {"file": file, "function": function, "lines": lines}, [str(tmp_path)]
    )


def test_quoted_lines_of_a_method_with_its_decorator_are_found(check) -> None:
    assert check("pkg/hub.py", "InfoAPIHandler.get", ["@needs_scope('read:hub')", "def get(self):"]) == "ok"
    assert check("pkg/hub.py", "", ["return 1"]) == "ok"


GET = "pkg/hub.py InfoAPIHandler.get"


@pytest.mark.parametrize(
    ("function", "lines", "result"),
    [
        ("InfoAPIHandler.get", ["@needs_scope('admin')"], f"{GET} no longer has: @needs_scope('admin')"),
        ("InfoAPIHandler.get", ["return 1"], f"{GET} no longer has: return 1"),
        (
            "InfoAPIHandler.get",
            ["def get(self):", "self.write(info)"],
            f"{GET}: the quoted lines are not together",
        ),
        ("InfoAPIHandler.post", ["def post(self):"], "pkg/hub.py has no InfoAPIHandler.post"),
    ],
)
def test_a_quote_the_file_no_longer_holds_says_why(check, function: str, lines: list[str], result: str):
    assert check("pkg/hub.py", function, lines) == result


def test_a_file_that_is_not_installed_is_named(check) -> None:
    assert check("pkg/gone.py", "", ["x"]) == "pkg/gone.py is not installed"


def test_a_stale_quote_fails_the_build_with_one_line() -> None:
    quote = Quote("jupyterhub/apihandlers/hub.py", "InfoAPIHandler.get", ("@needs_scope('read:hub')",))
    common = {"methods": ("GET",), "reachable_by": ("anyone",), "input": "none", "reason": "r" * 10}
    reviews = [
        Review("/hub/api/info$", "pkg.Info", quotes=(quote,), **common),
        Review("/hub/api/$", "pkg.Root", quotes=(quote, quote), **common),
    ]
    result = "jupyterhub/apihandlers/hub.py InfoAPIHandler.get no longer has: @needs_scope('read:hub')"
    problems = stale_quotes("jupyterhub", reviews, ["ok", "ok", result])
    assert problems == [f"STALE QUOTE jupyterhub: /hub/api/$ (pkg.Root): {result}"]
    assert "\n" not in problems[0]


def test_the_quotes_are_part_of_the_cached_commands_digest() -> None:
    quote = Quote("jupyterhub/spawner.py", "Spawner.get_args", ("return self.args",))
    changed = Quote("jupyterhub/spawner.py", "Spawner.get_args", ("return []",))
    assert quote_source("jupyterhub", [quote]).digest() != quote_source("jupyterhub", [changed]).digest()
