"""Helpers for the tests of the publishing half (``jsv.site``, ``jsv.leaks``): small records, a tiny
registry, and a stand-in for the Sphinx application that holds only what the hooks read (no Sphinx
build, no Docker)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sphinx.util.osutil import relative_uri

from jsv.claims.record import ClaimRecord
from jsv.claims.registry import Registry, load_registry

PAGE = "runbooks/area/page"

CLAIMS_YAML = """\
claims:
- id: SU-100
  title: Late claim
  statement: The hundredth claim sorts after SU-91.
  threat: t
  severity: low
  cwe: [CWE-1327]
  asvs: [v5.0.0-15.2.5]
  sources: [SEED-000-01]
  fix:
    component: jupyter_server
    file: jupyter_server_config.py
    code: c.ServerApp.ip = "127.0.0.1"
  expect: {equals: 1}
  no_control: nothing to compare with
- id: SU-90
  title: Token required
  statement: The API answers 403 without the token.
  threat: Anyone who reaches the port runs code.
  severity: high
  cwe: [CWE-306]
  asvs: [v5.0.0-8.2.1]
  sources: [SEED-000-02]
  fix:
    component: jupyter_server
    file: jupyter_server_config.py
    code: c.ServerApp.disable_check_xsrf = False
  expect: {equals: 403}
  weakness: {equals: 200}
- id: SU-91
  title: Same text
  statement: Shares SU-90's fix text.
  threat: t
  severity: medium
  cwe: [CWE-352]
  asvs: [v5.0.0-3.5.1]
  sources: [SEED-000-02]
  fix:
    component: jupyter_server
    file: jupyter_server_config.py
    code: c.ServerApp.disable_check_xsrf = False
  expect: {equals: 403}
  weakness: {equals: 200}
- id: SU-92
  title: Only behind a proxy
  statement: Applies in some deployments only.
  threat: t
  severity: medium
  cwe: [CWE-352]
  asvs: [v5.0.0-3.5.1]
  sources: [SEED-000-02]
  applies_when: a proxy terminates TLS
  fix:
    component: jupyter_server
    file: jupyter_server_config.py
    code: c.ServerApp.trust_xheaders = True
  expect: {equals: 403}
  weakness: {equals: 200}
"""


def record_data(**overrides: Any) -> dict[str, Any]:
    """One ledger entry (``ClaimRecord.to_json`` shape) that passes :func:`jsv.ledger.validate_record`."""
    base: dict[str, Any] = {
        "id": "SU-90",
        "area": "SU",
        "title": "Token required",
        "statement": "The API answers 403 without the token.",
        "threat": "Anyone who reaches the port runs code.",
        "sources": ["SEED-000-02"],
        "status": "verified",
        "expected": "equals 403",
        "negative_control": "failed-as-expected",
        "negative_control_reason": "",
        "versions": {"jupyter_server": "2.17.0", "python": "3.13"},
        "evidence": "e",
        "seconds": 1.5,
        "severity": "high",
        "cwe": ["CWE-306"],
        "asvs": ["v5.0.0-8.2.1"],
        "notes": "",
        "weakness": "equals 200",
        "executed_at": "2026-12-07T19:05:03+01:00",
        "run_id": "r",
        "hardened": {
            "environment": "single-user (hardened)",
            "configuration": "c.ServerApp.disable_check_xsrf = False",
            "observed": "403",
            "check_passed": True,
            "transcript": "$ curl -s -o /dev/null -w '%{http_code}' http://su:8888/api\n403",
        },
        "control": {
            "environment": "single-user (insecure twin)",
            "configuration": "",
            "observed": "200",
            "check_passed": False,
            "transcript": "$ curl ...\n200",
        },
        "fix": {
            "component": "jupyter_server",
            "file": "jupyter_server_config.py",
            "place": "jupyter_server_config.py (Jupyter Server)",
            "language": "python",
            "code": "c.ServerApp.disable_check_xsrf = False",
            "user": "",
            "applied": True,
            "reason": "",
        },
        "fix_applied": True,
        "fix_reason": "",
        "config_warnings": [],
        "column": "pinned",
        "page": f"{PAGE}.html#su-90",
    }
    base.update(overrides)
    return base


def make_record(**overrides: Any) -> ClaimRecord:
    return ClaimRecord.from_json(record_data(**overrides))


class FakeBuilder:
    """The builder members the hooks read; URIs relative as Sphinx's HTML builder makes them."""

    format = "html"

    def get_relative_uri(self, from_: str, to: str) -> str:
        return relative_uri(from_ + ".html", to + ".html")


def fake_app(tmp_path: Path, records: dict[str, list[ClaimRecord]] | None = None, **env: Any) -> Any:
    environment = SimpleNamespace(docname="index", found_docs=set(), **env)
    if records is not None:
        environment.jsv_claims = records
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return SimpleNamespace(env=environment, builder=FakeBuilder(), srcdir=str(tmp_path), outdir=str(out))


def write_site(root: Path, text: str = CLAIMS_YAML) -> Registry:
    folder = root / "runbooks" / "area"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.md").write_text("# page\n")
    (folder / "page.claims.yaml").write_text(text)
    return load_registry(root)
