from jsv.claims.record import ClaimRecord
from jsv.ledger import build_ledger, source_coverage, validate_record


def record(**overrides):
    base = {
        "id": "SU-01",
        "area": "SU",
        "title": "t",
        "statement": "s",
        "threat": "x",
        "sources": ["SEED-000-02"],
        "status": "verified",
        "expected": "equals 403",
        "negative_control": "failed-as-expected",
        "negative_control_reason": "",
        "versions": {"jupyter_server": "2.21.1"},
        "evidence": "e",
        "seconds": 1.0,
        "severity": "high",
        "cwe": ["CWE-306"],
        "asvs": ["v5.0.0-8.2.1"],
        "notes": "",
        "weakness": "",
        "executed_at": "2026-12-01T00:00:00+00:00",
        "run_id": "r",
        "hardened": {
            "environment": "h",
            "configuration": "",
            "observed": "403",
            "check_passed": True,
            "transcript": "",
        },
        "control": None,
        "fix": {
            "component": "jupyter_server",
            "file": "jupyter_server_config.py",
            "place": "p",
            "language": "python",
            "code": "c.X = 1",
            "user": "",
            "applied": True,
            "reason": "",
        },
        "fix_applied": True,
        "fix_reason": "",
        "config_warnings": [],
        "column": "pinned",
        "page": "p.html#su-01",
    }
    base.update(overrides)
    return base


def test_valid_record_has_no_problems():
    assert validate_record(record()) == []


def test_verified_needs_a_failed_control():
    assert "verified without a negative control that failed" in validate_record(
        record(negative_control="none")
    )


def test_not_applicable_needs_reason():
    assert any("reason" in p for p in validate_record(record(negative_control="not-applicable")))


def test_verified_needs_versions():
    assert any("versions" in p for p in validate_record(record(versions={})))


def test_missing_and_mistyped_fields():
    broken = record()
    del broken["page"]
    assert "missing page" in validate_record(broken)
    assert "seconds has type str" in validate_record(record(seconds="1"))


def test_bad_status_and_source():
    problems = validate_record(record(status="ok", sources=["SEED-1"]))
    assert "bad status 'ok'" in problems
    assert "bad source 'SEED-1'" in problems


def test_cwe_and_asvs_ids():
    assert "no CWE id" in validate_record(record(cwe=[]))
    assert "bad CWE id '79'" in validate_record(record(cwe=["79"]))
    assert "bad ASVS id 'V8.2.1'" in validate_record(record(asvs=["V8.2.1"]))
    assert "web-facing claim without an ASVS id" in validate_record(record(asvs=[]))
    assert validate_record(record(id="MU-01", area="MU", asvs=[])) == []
    broken = record()
    del broken["cwe"]
    assert "missing cwe" in validate_record(broken)


def typed(**overrides) -> ClaimRecord:
    return ClaimRecord.from_json(record(**overrides))


def test_fix_not_applied_needs_a_reason():
    assert "fix not applied without a reason in fix_reason" in validate_record(record(fix_applied=False))


def test_record_round_trips_through_json():
    assert typed().to_json() == record()


def test_ledger_totals_and_order():
    ledger = build_ledger([typed(id="SU-02"), typed(id="SU-01", status="static")], {"a.html": 3.2})
    assert [c["id"] for c in ledger["claims"]] == ["SU-01", "SU-02"]
    assert ledger["totals"] == {
        "claims": 2,
        "static": 1,
        "verified": 1,
        "fix_applied": 2,
        "verified_with_fix_applied": 1.0,
    }
    assert ledger["areas"] == {"SU": {"static": 1, "verified": 1}}
    assert ledger["pages"] == {"a.html": {"execution_seconds": 3.2}}
    assert ledger["schema_version"] == 4


def test_source_coverage():
    cov = source_coverage([typed(id="SU-01"), typed(id="SU-02", sources=["SEED-000-02", "SEED-002-09"])])
    assert cov == {"SEED-000-02": ["SU-01", "SU-02"], "SEED-002-09": ["SU-02"]}
