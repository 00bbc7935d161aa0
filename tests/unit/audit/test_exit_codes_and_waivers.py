"""``jsv audit`` without Docker (issue 35, items 3, 4 and 6): an anonymous audit of an open server, the
exit codes that keep findings apart from breakage, and waivers (validated, applied, expired, unused)."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from jsv.audit import cli, waivers
from jsv.audit.anonymous import anonymous_terminal
from jsv.audit.catalogue import audited_claims
from jsv.audit.client import LocalClient
from jsv.audit.report import EXIT_CODES, Report, as_json, as_junit, table
from jsv.audit.run import Finding
from jsv.audit.target import Target
from jsv.probes.http import Endpoint

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "tok-fedcba9876543210-audit"


CLOSED: list[str] = []


def serve(open_to_anyone: bool) -> tuple[ThreadingHTTPServer, str]:
    class JupyterLike(BaseHTTPRequestHandler):
        """``/api`` answers its version; ``/api/contents`` answers anyone (open) or the token only."""

        def do_GET(self) -> None:
            authorised = open_to_anyone or self.headers.get("Authorization") == f"token {TOKEN}"
            if self.path == "/api":
                status, body = 200, {"version": "2.99.0"}
            elif self.path in ("/api/contents", "/api/status"):
                status, body = (200, {"content": []}) if authorised else (403, {"message": "Forbidden"})
            else:
                status, body = 404, {}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            """``/api/terminals`` opens terminal 1 for the open server (with the XSRF echo); else 403."""
            authorised = open_to_anyone and self.headers.get("X-XSRFToken") is not None
            opened = authorised and self.path == "/api/terminals"
            self.answer(200 if opened else 403, {"name": "1"} if opened else {"message": "Forbidden"})

        def do_DELETE(self) -> None:
            CLOSED.append(self.path)
            self.answer(204, {})

        def answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), JupyterLike)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def open_server() -> Iterator[str]:
    httpd, url = serve(open_to_anyone=True)
    yield url
    httpd.shutdown()


@pytest.fixture
def guarded_server() -> Iterator[str]:
    httpd, url = serve(open_to_anyone=False)
    yield url
    httpd.shutdown()


@pytest.fixture(autouse=True)
def no_token(monkeypatch):
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)


def statuses(report: dict) -> dict[str, str]:
    return {record["id"]: record["status"] for record in report["claims"]}


# -- item 6: no credentials is a position --------------------------------------------------------------


def test_an_open_server_without_a_token_fails_su_01_and_says_so_first(open_server, capsys):
    assert cli.main([open_server]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (
        f"OPEN: the server at {open_server} answers its API without credentials: "
        "anyone who can reach it can read and write its files and run code"
    )
    first = next(line for line in lines if line.startswith(("SU-", "ADV-")))
    assert first.startswith("SU-01   FAIL (high)"), out
    assert "GET /api/contents without credentials: HTTP 200" in out


def test_an_open_server_without_a_token_runs_the_token_checks_too(open_server, capsys):
    assert cli.main([open_server, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["target"]["credentials_required"] is False
    assert report["headline"].startswith("OPEN: ")
    assert report["claims"][0]["id"] == "SU-01" and report["claims"][0]["severity"] == "high"
    assert {r["credentials"] for r in report["claims"]} == {"none"}
    # SU-11 needs a token on a guarded server; this one asks for none, so it runs
    assert statuses(report)["SU-11"] != "not-applicable"


def test_a_guarded_server_without_a_token_passes_the_anonymous_half_of_su_01(guarded_server, capsys):
    cli.main([guarded_server, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["target"]["credentials_required"] is True and report["headline"] == ""
    su01 = next(r for r in report["claims"] if r["id"] == "SU-01")
    assert su01["status"] == "pass", su01
    assert su01["observed"].startswith("GET /api/contents without credentials: HTTP 403")
    assert statuses(report)["SU-11"] == "not-applicable"  # needs a token the server asks for


def test_a_guarded_server_without_a_token_leaves_kernel_and_terminal_checks_to_a_token(
    guarded_server, capsys
):
    cli.main([guarded_server, "--format", "json", "--allow-writes"])
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)["claims"]}
    for claim_id, path in (("SU-22", "/api/kernels"), ("SU-13", "/api/terminals")):
        assert records[claim_id]["status"] == "not-applicable"
        assert records[claim_id]["observed"].startswith(f"needs a token: POST {path} without credentials"), (
            records[claim_id]
        )


def test_an_open_server_opens_a_terminal_for_anyone_and_the_audit_closes_it(open_server):
    seen = anonymous_terminal(LocalClient(), Endpoint(open_server))
    assert seen.value == 200 and CLOSED[-1] == "/api/terminals/1"


def test_the_first_line_is_the_target_when_it_needs_credentials(guarded_server, capsys):
    cli.main([guarded_server])
    assert capsys.readouterr().out.splitlines()[0] == f"server at {guarded_server}: version 2.99.0"


# -- item 4: exit codes --------------------------------------------------------------------------------

TARGET = Target(Endpoint("https://jupyter.example.org"), "server", "2.99.0", True)


def finding(claim_id: str, verdict: str) -> Finding:
    return Finding(audited_claims()[claim_id], verdict, "observed", "", 0.0)


@pytest.mark.parametrize(
    ("verdicts", "expired", "code"),
    [
        ((), (), 0),
        (("pass", "not-applicable", "waived"), (), 0),
        (("pass", "fail"), (), 1),
        (("pass", "error"), (), 3),
        (("fail", "error"), (), 1),
        (("pass",), ("waiver SU-13 ... expired",), 1),
    ],
)
def test_exit_codes_keep_findings_apart_from_breakage(verdicts, expired, code):
    findings = [
        finding(claim_id, v) for claim_id, v in zip(("SU-01", "SU-07", "SU-12"), verdicts, strict=False)
    ]
    assert Report(TARGET, findings, "https://site", list(expired)).exit_code == code


@pytest.mark.parametrize(("verdict", "code"), [("error", 3), ("waived", 0), ("fail", 1), ("pass", 0)])
def test_the_command_returns_the_report_exit_code(guarded_server, monkeypatch, capsys, verdict, code):
    monkeypatch.setattr(cli, "audit", lambda *args, **kwargs: [finding("SU-12", verdict)])
    assert cli.main([guarded_server]) == code
    assert f"jsv audit: exit {code}: {EXIT_CODES[code]}" in capsys.readouterr().err


def test_a_usage_error_exits_2():
    with pytest.raises(SystemExit) as exited:
        cli.main(["http://127.0.0.1:9", "--format", "xml"])
    assert exited.value.code == 2


def test_exit_codes_are_in_help_and_docs(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    docs = (ROOT / "docs" / "audit.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"  {code}  {meaning}" in out
        assert f"| **{code}** |" in docs, f"docs/audit.md does not list exit code {code}"


# -- item 3: waivers -----------------------------------------------------------------------------------

WAIVER = """\
waivers:
  - claim: {claim}
    target: "{target}"
    reason: terminals are part of the service
    owner: ops@example.org
    expires: {expires}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    return path


def test_a_waived_failure_does_not_fail_the_run(open_server, tmp_path, capsys):
    # SU-01 fails on the open server; the other failures are waived too, so only waivers decide
    cli.main([open_server, "--format", "json"])
    failed = [i for i, v in statuses(json.loads(capsys.readouterr().out)).items() if v == "fail"]
    text = "waivers:\n" + "".join(
        WAIVER.format(claim=i, target=open_server + "*", expires="2999-12-31").split("waivers:\n")[1]
        for i in failed
    )
    assert cli.main([open_server, "--format", "json", "--waivers", str(write(tmp_path, text))]) == 0
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert {statuses(report)[i] for i in failed} == {"waived"}
    su01 = next(r for r in report["claims"] if r["id"] == "SU-01")
    assert su01["waiver"] == {
        "reason": "terminals are part of the service",
        "owner": "ops@example.org",
        "expires": "2999-12-31",
        "target": open_server + "*",
    }
    assert report["summary"]["waived"] == len(failed) and report["summary"]["fail"] == 0
    assert "exit 0" in err


def test_an_expired_waiver_fails_the_run_with_one_line(open_server, tmp_path, capsys):
    path = write(tmp_path, WAIVER.format(claim="SU-01", target=open_server, expires="2020-01-31"))
    assert cli.main([open_server, "--waivers", str(path)]) == 1
    out, err = capsys.readouterr()
    named = [line for line in err.splitlines() if "expired on" in line]
    assert named == [
        f"jsv audit: waiver SU-01 for {open_server} (owner ops@example.org) expired on 2020-01-31: "
        "the failure counts again; fix it, or renew the waiver"
    ]
    assert "SU-01   FAIL (high)" in out and "EXPIRED WAIVER: waiver SU-01" in out


def test_a_waiver_that_matches_nothing_is_a_warning(open_server, tmp_path, capsys):
    path = write(tmp_path, WAIVER.format(claim="ADV-01", target=open_server + "*", expires="2999-01-01"))
    cli.main([open_server, "--waivers", str(path)])
    out, err = capsys.readouterr()
    warning = [line for line in err.splitlines() if "warning" in line]
    assert len(warning) == 1 and "waiver ADV-01" in warning[0] and "matches no failed check" in warning[0]
    assert "warning: waiver ADV-01" in out


def test_waivers_for_another_target_are_left_alone():
    w = waivers.Waiver("SU-01", "https://other.example.org*", "r", "o", datetime.date(2000, 1, 1))
    applied = waivers.apply([finding("SU-01", "fail")], [w], "https://jupyter.example.org")
    assert (applied.findings[0].verdict, applied.expired, applied.unmatched) == ("fail", [], [])


def test_a_waiver_holds_through_its_last_day():
    w = waivers.Waiver("SU-01", "https://jupyter.example.org", "r", "o", datetime.date(2027, 3, 31))
    on_the_day = waivers.apply(
        [finding("SU-01", "fail")], [w], TARGET.endpoint.base, datetime.date(2027, 3, 31)
    )
    after = waivers.apply([finding("SU-01", "fail")], [w], TARGET.endpoint.base, datetime.date(2027, 4, 1))
    assert on_the_day.findings[0].verdict == "waived" and not on_the_day.expired
    assert after.findings[0].verdict == "fail" and len(after.expired) == 1


def test_every_report_format_shows_waived():
    w = waivers.Waiver("SU-01", "https://jupyter.example.org*", "accepted", "ops", datetime.date(2999, 1, 1))
    applied = waivers.apply([finding("SU-01", "fail"), finding("SU-07", "pass")], [w], TARGET.endpoint.base)
    report = Report(TARGET, applied.findings, "https://site", ["waiver SU-12 for x (owner o) expired on ..."])
    assert "SU-01   WAIVED" in table(report) and "waived: accepted (owner ops, until 2999-01-01)" in table(
        report
    )
    assert json.loads(as_json(report))["claims"][0]["status"] == "waived"
    cases = {case.name: case.result for case in next(iter(JUnitXml.fromstring(as_junit(report))))}
    su01 = next(result for name, result in cases.items() if name.startswith("SU-01"))
    assert isinstance(su01[0], Skipped) and su01[0].type == "waived"
    assert isinstance(cases["waiver SU-12 for x (owner o)"][0], Failure)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (None, "No such file or directory"),
        ("waivers: [\n", "not YAML"),
        ("- claim: SU-01\n", "is not of type 'object'"),
        (
            WAIVER.format(claim="SU-01", target="*", expires="soon"),
            "waivers/0/expires: 'soon' is not a 'date'",
        ),
        (WAIVER.format(claim="XY-1", target="*", expires="2999-01-01"), "waivers/0/claim"),
        (
            WAIVER.format(claim="SU-01", target="*", expires="2999-01-01").replace("    owner", "    ownr"),
            "owner",
        ),
    ],
)
def test_a_bad_waivers_file_is_one_line_and_exit_2(open_server, tmp_path, capsys, text, said):
    path = tmp_path / "missing.yaml" if text is None else write(tmp_path, text)
    assert cli.main([open_server, "--waivers", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert err.startswith(f"jsv audit: --waivers {path}: ") and said in err, err


def test_the_waivers_schema_is_shipped_with_the_package():
    schema = json.loads((ROOT / "jsv" / "data" / "waivers.schema.json").read_text())
    assert schema["$defs"]["waiver"]["required"] == ["claim", "target", "reason", "owner", "expires"]
