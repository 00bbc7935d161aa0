"""The drift check: two ledgers in, the claims and versions that changed out."""

import json

from test_ledger import record

from jsv.claims.record import ClaimRecord
from jsv.drift import compare, main, report
from jsv.varying import masked


def ledger(tmp_path, name, *records):
    path = tmp_path / name
    path.write_text(json.dumps({"claims": list(records)}))
    return path


def side(observed):
    return {
        "environment": "h",
        "configuration": "",
        "observed": observed,
        "check_passed": True,
        "transcript": "",
    }


def test_identical_ledgers_report_no_change(tmp_path, capsys):
    same = ledger(tmp_path, "a.json", record())
    assert main([str(same), str(same)]) == 0
    assert capsys.readouterr().out.startswith("no change")


def test_a_changed_observation_status_and_version_are_each_reported(tmp_path, capsys):
    pinned = ledger(tmp_path, "pinned.json", record(), record(id="SU-02", page="p.html#su-02"))
    latest = ledger(
        tmp_path,
        "latest.json",
        record(hardened=side("404"), versions={"jupyter_server": "2.22.0"}),
        record(
            id="SU-02",
            page="p.html#su-02",
            status="failed",
            negative_control="passed-unexpectedly",
            versions={"jupyter_server": "2.22.0"},
        ),
    )
    assert main([str(pinned), str(latest)]) == 1
    out = capsys.readouterr().out
    assert "SU-01  observed (hardened): 403 -> 404" in out
    assert "SU-02  status: verified -> failed" in out
    assert "SU-02  negative control: failed-as-expected -> passed-unexpectedly" in out
    assert "*      version of jupyter_server: 2.21.1 -> 2.22.0" in out
    assert "2 claim(s) changed, 1 version(s) moved" in out


def test_a_claim_only_one_run_has_is_a_change(tmp_path):
    changes = compare({"SU-01": ClaimRecord.from_json(record())}, {})
    first = changes[0]
    assert (first.claim_id, first.aspect, first.latest) == ("SU-01", "ran", "False")
    assert "1 claim(s) changed" in report(changes)


def test_what_varies_between_any_two_runs_is_not_a_change():
    one = masked("{'at': '2026-12-02T01:21:42+00:00', 'from': '172.18.0.3', 'lab': 'jsv-3f2a9c1d0b7e44'}")
    two = masked("{'at': '2026-12-03T07:00:01.5Z', 'from': '172.19.0.9', 'lab': 'jsv-0011223344556677'}")
    assert one == two


def test_a_missing_ledger_is_one_line_and_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "none.json"), str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "build that site first" in err


def test_a_version_older_than_the_pin_says_pip_went_back(tmp_path, capsys):
    # seen in a real run: unpinned, pip resolved checkov 3.2.459 where the pin is 3.3.30
    pinned = ledger(tmp_path, "pinned.json", record(versions={"checkov": "3.3.30"}))
    latest = ledger(tmp_path, "latest.json", record(versions={"checkov": "3.2.459"}))
    assert main([str(pinned), str(latest)]) == 0  # a version alone is reported, not a changed claim
    out = capsys.readouterr().out
    assert "version of checkov: 3.3.30 -> 3.2.459 (older than the pin" in out
    newer = ledger(tmp_path, "newer.json", record(versions={"checkov": "3.4.0"}))
    main([str(pinned), str(newer)])
    assert "older than the pin" not in capsys.readouterr().out
