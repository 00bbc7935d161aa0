"""``jsv audit`` without Docker: exit codes, one-line errors, report formats and redaction, against a
small HTTP server on loopback that answers like a Jupyter Server (and echoes the token back)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from jsv.audit.catalogue import SNAPSHOT, audited_claims, snapshot, snapshot_ids
from jsv.audit.checks import CHECKS
from jsv.audit.cli import main

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "tok-0123456789abcdef-audit"


class LeakyServer(BaseHTTPRequestHandler):
    """Version at /api; every other answer 200 and echoes the Authorization header (a leak to redact)."""

    def do_GET(self) -> None:
        body = {"version": "2.99.0"} if self.path == "/api" else {"echo": self.headers.get("Authorization")}
        if self.path == "/hub/api":
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), LeakyServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_packaged_claims_are_the_registry():
    packaged = json.loads((ROOT / "jsv" / "data" / SNAPSHOT).read_text())
    assert packaged == snapshot(ROOT, snapshot_ids(ROOT)), (
        "jsv/data/audit_claims.json is stale: run python -m jsv.audit.catalogue"
    )
    assert set(audited_claims()) == {c.claim_id for c in CHECKS}


def test_refused_connection_is_one_line_and_exit_2(capsys):
    assert main(["http://127.0.0.1:9"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "connection refused" in err and "check the host and port" in err


def test_a_wrong_token_is_refused_early(monkeypatch, capsys):
    class Refusing(LeakyServer):
        def do_GET(self) -> None:
            if self.path == "/api":
                super().do_GET()
            else:
                self.send_response(403)
                self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("JUPYTER_TOKEN", TOKEN)
    try:
        assert main([f"http://127.0.0.1:{httpd.server_address[1]}"]) == 2
    finally:
        httpd.shutdown()
    err = capsys.readouterr().err
    assert "answered 403 to the token" in err and TOKEN not in err


@pytest.mark.parametrize("form", ["table", "json", "junit"])
def test_failures_exit_1_and_no_output_shows_the_token(server, monkeypatch, capsys, tmp_path, form):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    monkeypatch.delenv("JUPYTER_TOKEN", raising=False)
    assert main([server, "--token-file", str(token_file), "--format", form]) == 1
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    if form == "json":
        report = json.loads(out)
        statuses = {r["id"]: r["status"] for r in report["claims"]}
        assert report["target"] == {
            "url": server,
            "kind": "server",
            "versions": {"server": "2.99.0"},
            "credentials_required": False,  # the leaky server answers anyone
            "front": "none",
        }
        assert statuses["SU-01"] == "fail"  # 200 without the token
        assert statuses["SU-09"] == "not-applicable"  # writes, no --allow-writes
        assert all(r["card"].endswith("#" + r["id"].lower()) for r in report["claims"])
    elif form == "junit":
        suite = next(iter(JUnitXml.fromstring(out)))
        results = {case.name.split()[0]: case.result for case in suite}
        assert isinstance(results["SU-01"][0], Failure)
        assert isinstance(results["SU-09"][0], Skipped)
    else:
        assert "SU-01   FAIL" in out and "jupyter_server_config.py (Jupyter Server)" in out


def test_hub_token_variable_and_kind_detection(server, monkeypatch, capsys):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", TOKEN)
    assert main([server, "--kind", "hub"]) == 2  # /hub/api answers 404: not a hub
    assert "--kind" in capsys.readouterr().err
