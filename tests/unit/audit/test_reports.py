"""``jsv audit`` reports and listing (issue 35, items 2 and 7): SARIF 2.1.0 validated against the OASIS
schema, the JSON report against ``jsv/data/audit-report.schema.json``, and ``--list``."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest

from jsv import __version__
from jsv.audit import cli
from jsv.audit.anonymous import ANONYMOUS_CHECKS
from jsv.audit.catalogue import audited_claims
from jsv.audit.checks import CHECKS
from jsv.audit.report import SECURITY_SEVERITY, Report, as_json, as_sarif
from jsv.audit.run import VERDICTS, Finding
from jsv.audit.target import Target
from jsv.audit.waivers import Waiver
from jsv.probes.http import Endpoint

ROOT = Path(__file__).resolve().parents[3]
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
REPORT_SCHEMA = ROOT / "jsv" / "data" / "audit-report.schema.json"
SITE = "https://site.example.org/en/latest"
TARGET = Target(Endpoint("https://jupyter.example.org"), "server", "2.99.0", True)
WAIVER = Waiver(
    "SU-07", "https://jupyter.example.org*", "TLS ends at the balancer", "ops@x", datetime.date(2999, 1, 1)
)


def validator(path: Path) -> jsonschema.protocols.Validator:
    """The validator of the draft the schema declares (``$schema``), with format checks."""
    schema = json.loads(path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def every_verdict() -> Report:
    claims = audited_claims()
    findings = [
        Finding(claims["SU-01"], "fail", "403", "GET /api/contents", 0.1, anonymous=True),
        Finding(claims["SU-07"], "waived", "200", "", 0.2, waiver=WAIVER),
        Finding(claims["SU-12"], "pass", "'frame-ancestors self'", "", 0.3),
        Finding(claims["SU-09"], "not-applicable", "writes: run with --allow-writes", "", 0.0),
        Finding(claims["SU-20"], "error", "ConnectionError: reset", "", 0.4),
        Finding(claims["ADV-01"], "fail", "jupyter_server 2.0.0", "", 0.0),
    ]
    return Report(TARGET, findings, SITE, ["waiver SU-13 ... expired on 2020-01-01"], ["waiver SU-14 ..."])


def test_the_vendored_sarif_schema_is_the_oasis_2_1_0_schema():
    schema = json.loads(SARIF_SCHEMA.read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert isinstance(validator(SARIF_SCHEMA), jsonschema.Draft4Validator)
    assert "sha256" in (SARIF_SCHEMA.parent / "README.md").read_text()


def test_sarif_validates_against_the_schema_with_one_rule_per_claim_checked():
    report = every_verdict()
    log = json.loads(as_sarif(report))
    validator(SARIF_SCHEMA).validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("jsv audit", __version__)
    claims = audited_claims()
    assert [r["id"] for r in driver["rules"]] == [f.claim.id for f in report.ordered]
    for rule in driver["rules"]:
        claim = claims[rule["id"]]
        assert rule["shortDescription"]["text"] == claim.title
        assert rule["helpUri"] == claim.card_url(SITE) == f"{SITE}/{claim.page}.html#{claim.id.lower()}"
        assert rule["properties"]["security-severity"] == SECURITY_SEVERITY[claim.severity]
        assert "security" in rule["properties"]["tags"]
    log["runs"][0]["results"][0]["level"] = "critical"  # the schema is strict enough to refuse this
    with pytest.raises(jsonschema.ValidationError):
        validator(SARIF_SCHEMA).validate(log)


def test_sarif_has_one_error_result_per_failed_check_and_waived_ones_suppressed():
    run = json.loads(as_sarif(every_verdict()))["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    assert sorted(results) == ["ADV-01", "SU-01", "SU-07"]  # fail, fail, waived
    rules = run["tool"]["driver"]["rules"]
    for rule_id, result in results.items():
        assert result["level"] == "error"
        assert rules[result["ruleIndex"]]["id"] == rule_id
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "https://jupyter.example.org"
    assert results["SU-07"]["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "TLS ends at the balancer",
            "properties": {
                "owner": "ops@x",
                "expires": "2999-01-01",
                "target": "https://jupyter.example.org*",
            },
        }
    ]
    assert "suppressions" not in results["SU-01"] and results["SU-01"]["properties"]["credentials"] == "none"
    (invocation,) = run["invocations"]
    assert invocation["exitCode"] == 1
    notes = [(n["level"], n["message"]["text"]) for n in invocation["toolExecutionNotifications"]]
    assert ("error", "SU-20: the check could not complete: ConnectionError: reset") in notes
    assert ("error", "waiver SU-13 ... expired on 2020-01-01") in notes
    assert ("warning", "waiver SU-14 ...") in notes


def test_sarif_rules_carry_the_claims_cwe_as_github_tags_and_as_taxa():
    """GitHub code scanning reads a rule's CWE from ``external/cwe/cwe-N`` tags; SARIF's own place for a
    classification is ``taxonomies`` with the rule's ``relationships``: both name the registry's ids."""
    run = json.loads(as_sarif(every_verdict()))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["SU-01"]["properties"]["tags"] == ["security", "server", "external/cwe/cwe-306"]
    assert rules["SU-01"]["properties"]["cwe"] == ["CWE-306"]
    assert rules["SU-01"]["properties"]["asvs"] == ["v5.0.0-8.2.1"]
    assert "external/cwe/cwe-942" in rules["ADV-01"]["properties"]["tags"]
    taxonomies = {t["name"]: t for t in run["taxonomies"]}
    assert [s["name"] for s in run["tool"]["driver"]["supportedTaxonomies"]] == list(taxonomies)
    claims = audited_claims()
    for rule_id, rule in rules.items():
        claim = claims[rule_id]
        assert [t for t in rule["properties"]["tags"] if t.startswith("external/cwe/")] == [
            "external/cwe/" + c.lower() for c in claim.cwe
        ]
        targets = [(r["target"]["toolComponent"]["name"], r["target"]["id"]) for r in rule["relationships"]]
        assert targets == [("CWE", c) for c in claim.cwe] + [("OWASP ASVS", a) for a in claim.asvs]
        for relation in rule["relationships"]:
            target = relation["target"]
            assert taxonomies[target["toolComponent"]["name"]]["taxa"][target["index"]]["id"] == target["id"]
    cwe = {t["id"]: t for t in taxonomies["CWE"]["taxa"]}
    assert cwe["CWE-306"]["name"] == "Missing Authentication for Critical Function"
    assert cwe["CWE-306"]["helpUri"] == "https://cwe.mitre.org/data/definitions/306.html"
    asvs = {t["id"]: t for t in taxonomies["OWASP ASVS"]["taxa"]}
    assert asvs["v5.0.0-3.4.6"]["name"] == "V3.4 Browser Security Mechanism Headers"  # SU-12
    assert asvs["v5.0.0-3.4.6"]["helpUri"].endswith(
        "/blob/v5.0.0_release/5.0/en/0x12-V3-Web-Frontend-Security.md#v34-browser-security-mechanism-headers"
    )


def test_every_audited_claim_has_a_cwe_and_an_asvs_id_and_the_json_report_carries_them():
    for claim in audited_claims().values():
        assert claim.cwe and claim.asvs, claim.id  # every audited check speaks HTTP: web-facing
    records = {r["id"]: r for r in json.loads(as_json(every_verdict()))["claims"]}
    assert (records["SU-01"]["cwe"], records["SU-01"]["asvs"]) == (["CWE-306"], ["v5.0.0-8.2.1"])


def test_the_severity_mapping_covers_every_severity_and_is_documented():
    schema = json.loads(REPORT_SCHEMA.read_text())
    severities = schema["$defs"]["record"]["properties"]["severity"]["enum"]
    assert sorted(SECURITY_SEVERITY) == sorted(severities)
    assert {c.severity for c in audited_claims().values()} <= set(SECURITY_SEVERITY)
    docs = (ROOT / "docs" / "audit.md").read_text()
    for severity, score in SECURITY_SEVERITY.items():
        assert f"| {severity} | {score} |" in docs


def test_the_json_report_validates_against_its_schema():
    schema = json.loads(REPORT_SCHEMA.read_text())
    assert schema["$defs"]["record"]["properties"]["status"]["enum"] == list(VERDICTS)
    assert schema["properties"]["summary"]["required"] == list(VERDICTS)
    check = validator(REPORT_SCHEMA)
    assert isinstance(check, jsonschema.Draft202012Validator)
    document = json.loads(as_json(every_verdict()))
    check.validate(document)
    open_target = replace(TARGET, credentials_required=False)
    check.validate(json.loads(as_json(replace(every_verdict(), target=open_target, expired=[]))))
    del document["claims"][1]["waiver"]  # a waived record must say which waiver
    with pytest.raises(jsonschema.ValidationError):
        check.validate(document)


class OpenServer(BaseHTTPRequestHandler):
    """A Jupyter-like server that answers ``/api`` and its contents to anyone; refuses everything else."""

    def do_GET(self) -> None:
        body = {"/api": {"version": "2.0.0"}, "/api/contents": {"content": []}}.get(self.path)
        data = json.dumps(body or {}).encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def open_server(monkeypatch) -> Iterator[str]:
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), OpenServer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("form", ["sarif", "json"])
def test_the_command_writes_reports_that_validate(open_server, capsys, form):
    assert cli.main([open_server, "--format", form]) == 1
    document = json.loads(capsys.readouterr().out)
    validator(SARIF_SCHEMA if form == "sarif" else REPORT_SCHEMA).validate(document)
    if form == "sarif":
        results = document["runs"][0]["results"]
        assert results[0]["ruleId"] == "SU-01"  # the openness heads the report in every format
        assert {r["ruleId"] for r in results} >= {"SU-01", "ADV-01"}


def test_docs_link_and_describe_both_schemas():
    docs = (ROOT / "docs" / "audit.md").read_text()
    assert "/jsv/data/audit-report.schema.json" in docs
    assert "--format sarif" in docs and "security-severity" in docs


# -- item 7: --list ------------------------------------------------------------------------------------


def test_list_prints_every_check_one_line_each_without_a_target(capsys):
    assert cli.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(CHECKS)
    for line, check in zip(lines, CHECKS, strict=True):
        claim_id, kind, rest = line.split(None, 2)
        assert (claim_id, kind) == (check.claim_id, check.kind)
        writes, needs = rest.split(" | needs ")
        assert writes == (f"writes (--allow-writes): {check.writes}" if check.writes else "read-only")
        if not check.needs_token or check.claim_id in ANONYMOUS_CHECKS:
            assert needs.startswith("no token")
        else:
            assert (
                "user's token" in needs and "admin" in needs if kind == "hub" else needs == "a user's token"
            )


def test_list_names_the_positions(capsys):
    cli.main(["--list"])
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["SU-07"].endswith("read-only | needs no token")
    assert lines["SU-09"].endswith(
        "writes (--allow-writes): an untitled file, deleted | needs a user's token"
    )
    assert lines["HUB-31"].endswith("| needs an ordinary user's token (not an admin's)")
    assert lines["SU-22"].split(" | needs ")[1].startswith("no token (a user's token where")


def test_list_narrowed_by_kind_and_a_missing_url_is_a_usage_error(capsys):
    assert cli.main(["--list", "--kind", "hub"]) == 0
    kinds = {line.split()[1] for line in capsys.readouterr().out.splitlines()}
    assert kinds == {"hub"}
    with pytest.raises(SystemExit) as exited:
        cli.main([])
    assert exited.value.code == 2
