"""The extension page's fixtures: notebooks nbformat accepts, an exclusion the fix repeats exactly, and
observations read from canned client replies."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from types import SimpleNamespace

import nbformat

from jsv.claims.registry import load_registry
from jsv.observations import extensions as ext

ROOT = Path(__file__).resolve().parents[3]


class CannedClient:
    """Answers each URL with a status (and a body), and remembers what was asked."""

    def __init__(self, answers: dict[str, tuple[int, str]]) -> None:
        self.answers, self.asked = answers, []

    def http(self, url: str, *options: str, timeout: float = 10) -> SimpleNamespace:
        self.asked.append((url, options))
        status, body = next(v for k, v in self.answers.items() if url.endswith(k))
        return SimpleNamespace(status=status, body=body, headers={}, transcript=f"{url}: {status}")


SERVER = SimpleNamespace(alias="pinned", token="t" * 24, url=lambda path: f"http://pinned:8888{path}")


def test_the_dashboards_are_valid_notebooks_and_the_backend_is_python() -> None:
    for source in (ext.notebook("print(1)"), ext.notebook("a = 1", "raise RuntimeError(a)")):
        nbformat.validate(nbformat.reads(source, as_version=4))
    assert json.loads(ext.notebook("x"))["metadata"]["kernelspec"]["name"] == "python3"
    ast.parse(ext.BACKEND)


def test_the_shared_exclusion_is_the_published_fix_of_ext_05() -> None:
    fix = load_registry(ROOT).claim("EXT-05").fix.code.strip()
    assert ext.git_setup() == [fix]


def test_the_case_check_asks_for_the_excluded_folder_and_its_capitalised_name() -> None:
    client = CannedClient({"/git/shared/status": (404, ""), "/git/Shared/status": (500, "")})
    observed = ext.excluded_case(client, SERVER)
    assert observed.value == {"/shared": 404, "/Shared": 500}
    assert all(("-X", "POST") == options[:2] for _url, options in client.asked)


def test_the_reflection_check_sends_the_script_encoded_and_finds_it_raw() -> None:
    client = CannedClient({":80/": (403, f"Host '{ext.XSS_HOST}' is not allowed")})
    observed = ext.proxy_host_reflection(client, SERVER)
    assert observed.value["script reflected"] is True
    url = client.asked[0][0]
    assert "<" not in url and "/" not in url.removeprefix("http://pinned:8888/proxy/").removesuffix(":80/")
