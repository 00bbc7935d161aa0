"""verify(): verified only when the hardened side passes, the control fails by showing the
weakness, the hardened side was built from the published fix and logged no configuration warning."""

import sys
from pathlib import Path

import pytest

from jsv.claims import Observation, Registry, skip, verify
from jsv.claims.expect import equals
from jsv.claims.model import Claim, Fix
from jsv.errors import ClaimFailed
from jsv.ledger import validate_record
from jsv.redaction import forget_all, register

FIX = Fix("jupyter_server", "jupyter_server_config.py", "c.ServerApp.disable_check_xsrf = False")


class FakeTarget:
    def __init__(self, variant, value, applied=True, warnings=()):
        self.variant = variant
        self.value = value
        self.applied_fixes = {"SU-99": FIX.code} if applied else {}
        self.warnings = list(warnings)

    def describe(self):
        return f"config of {self.variant}"

    def versions(self):
        return {"jupyter_server": "2.21.1"}

    def config_warnings(self):
        return self.warnings


def claim(**overrides) -> Claim:
    fields = {
        "id": "SU-99",
        "title": "t",
        "statement": "s",
        "threat": "x",
        "severity": "high",
        "fix": FIX,
        "expect": equals(403),
        "weakness": equals(200),
        "sources": ("SEED-000-02",),
        "cwe": ("CWE-306",),
        "asvs": ("v5.0.0-8.2.1",),
    }
    fields.update(overrides)
    return Claim(**fields)


def registry(**overrides) -> Registry:
    return Registry(Path("."), {"SU-99": claim(**overrides)}, {"SU-99": "runbooks/x"})


def observe(target):
    return Observation(target.value, f"$ probe\n{target.value}")


def run(hardened, control=None, **overrides):
    return verify("SU-99", observe, hardened, control, registry=registry(**overrides), show=False)


def test_verified_when_control_fails_by_showing_the_weakness():
    result = run(FakeTarget("hardened", 403), FakeTarget("open_server", 200))
    assert result.status == "verified"
    assert result.negative_control == "failed-as-expected"
    record = result.record().on_page("x.html#su-99").to_json()
    assert validate_record(record) == []
    assert record["fix_applied"] is True and record["fix_reason"] == ""
    assert record["fix"]["file"] == "jupyter_server_config.py"


def test_fails_when_hardened_side_fails():
    with pytest.raises(ClaimFailed, match="hardened side"):
        run(FakeTarget("hardened", 200), FakeTarget("open_server", 200))


def test_fails_when_control_passes_too():
    with pytest.raises(ClaimFailed, match=r"negative control .* passed"):
        run(FakeTarget("hardened", 403), FakeTarget("open_server", 403))


def test_control_must_fail_by_showing_the_weakness():
    with pytest.raises(ClaimFailed, match="not by showing the weakness"):
        run(FakeTarget("hardened", 403), FakeTarget("broken", 500))


def test_control_required_unless_the_registry_says_why_not():
    with pytest.raises(ClaimFailed, match="negative control"):
        run(FakeTarget("hardened", 403))
    result = run(FakeTarget("hardened", 403), weakness=None, no_control="no insecure twin exists")
    assert result.negative_control == "not-applicable"
    assert result.record().negative_control_reason == "no insecure twin exists"


def test_a_hardened_side_not_built_from_the_fix_fails():
    with pytest.raises(
        ClaimFailed, match=r"not built from the published fix: start it with .with_fix\('SU-99'\)"
    ):
        run(FakeTarget("hardened", 403, applied=False), FakeTarget("open", 200))


def test_a_fix_the_run_cannot_apply_says_why():
    not_applied = Fix(FIX.component, FIX.file, FIX.code, not_applied="the laptop is not in the lab")
    result = run(FakeTarget("hardened", 403, applied=False), FakeTarget("open", 200), fix=not_applied)
    assert result.status == "verified"
    assert result.record().fix.reason == "the laptop is not in the lab"


def test_a_configuration_warning_on_the_hardened_side_fails_the_claim():
    """A fixture claim whose fix misspells an option: the server logs it, the claim fails."""
    warning = "[W ServerApp] Config option `disable_chek_xsrf` not recognized by `ServerApp`."
    hardened = FakeTarget("hardened", 403, warnings=[warning])
    with pytest.raises(ClaimFailed, match=r"warns about its configuration.*disable_chek_xsrf"):
        run(hardened, FakeTarget("open", 200))


def test_record_is_redacted():
    forget_all()
    secret = register("s3cr3t-token-value", "token")
    result = run(FakeTarget("hardened", 403), FakeTarget(f"open {secret}", 200))
    text = repr(result.record().to_json())
    assert secret not in text
    assert "«redacted:token»" in text
    forget_all()


class StaticTarget(FakeTarget):
    evidence = "static"


def test_static_targets_are_never_recorded_as_verified():
    assert run(StaticTarget("hardened", 403), StaticTarget("insecure", 200)).status == "static"
    with pytest.raises(ClaimFailed, match="hardened side"):
        run(StaticTarget("hardened", 200), StaticTarget("insecure", 200))


def test_skip_needs_evidence_that_holds():
    reg = registry(weakness=None, no_control="cannot run here")
    result = skip("SU-99", "no apptainer", observe, FakeTarget("worker", 403), registry=reg, show=False)
    assert result.status == "skipped"
    assert result.record().fix.reason.startswith("skipped: ")
    with pytest.raises(ClaimFailed, match="evidence does not show it"):
        skip("SU-99", "no apptainer", observe, FakeTarget("worker", 200), registry=reg, show=False)


def test_an_embargoed_claim_publishes_values_but_no_transcript():
    result = run(
        FakeTarget("hardened", 403), FakeTarget("open", 200), embargo="an upstream fix or 2027-03-01"
    )
    record = result.record()
    assert record.hardened.observed == "403" and record.control.observed == "200"
    assert "$ probe" not in record.hardened.transcript + record.control.transcript
    assert "withheld until an upstream fix or 2027-03-01" in record.hardened.transcript


class _LabThatCannotStart:
    def start(self, environment):
        raise RuntimeError("container hub exited before it was ready; last log lines: Missing Authority Key")


def test_a_hardened_side_that_cannot_start_is_a_recorded_failure_in_a_column(monkeypatch):
    from jsv.claims import start_hardened

    shown = []
    monkeypatch.setattr(sys.modules["jsv.claims.verify"], "show_record", shown.append)
    monkeypatch.setenv("JSV_RECORD_FAILURES", "1")
    with pytest.raises(RuntimeError):  # the page still stops there
        start_hardened(_LabThatCannotStart(), FakeTarget("hardened", None), "SU-99", registry=registry())
    [record] = shown
    data = record.on_page("x.html#su-99").to_json()
    assert validate_record(data) == []
    assert (data["status"], data["negative_control"], data["fix_applied"]) == (
        "failed",
        "not-applicable",
        True,
    )
    assert "did not start (RuntimeError)" in data["evidence"]
    assert "Missing Authority Key" in data["hardened"]["transcript"]


def test_where_failures_stop_the_build_a_start_error_is_only_raised(monkeypatch):
    from jsv.claims import start_hardened

    shown = []
    monkeypatch.setattr(sys.modules["jsv.claims.verify"], "show_record", shown.append)
    monkeypatch.delenv("JSV_RECORD_FAILURES", raising=False)
    with pytest.raises(RuntimeError):
        start_hardened(_LabThatCannotStart(), FakeTarget("hardened", None), "SU-99", registry=registry())
    assert shown == []
