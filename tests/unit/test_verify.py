"""verify(): verified only when the hardened side passes AND the control fails."""

import pytest

from jsv.claims import Check, Claim, Fix, Observation, equals, verify
from jsv.errors import ClaimFailed
from jsv.ledger import validate_record
from jsv.redaction import forget_all, register


class FakeTarget:
    def __init__(self, variant, value):
        self.variant = variant
        self.value = value

    def describe(self):
        return f"config of {self.variant}"

    def versions(self):
        return {"jupyter_server": "2.21.1"}


CLAIM = Claim(id="SU-99", title="t", statement="s", threat="x", fix=Fix("c.X = 1"), sources=["SEED-000-02"])
CHECK = Check(lambda target: Observation(target.value, f"$ probe\n{target.value}"), equals(403))


def test_verified_when_control_fails():
    result = verify(CLAIM, CHECK, FakeTarget("hardened", 403), FakeTarget("open_server", 200), show=False)
    assert result.status == "verified"
    assert result.negative_control == "failed-as-expected"
    record = {**result.record(), "page": "x.html#su-99"}
    assert validate_record(record) == []
    assert record["versions"] == {"jupyter_server": "2.21.1"}


def test_fails_when_hardened_side_fails():
    with pytest.raises(ClaimFailed, match="hardened side"):
        verify(CLAIM, CHECK, FakeTarget("hardened", 200), FakeTarget("open_server", 200), show=False)


def test_fails_when_control_passes_too():
    with pytest.raises(ClaimFailed, match=r"negative control .* passed"):
        verify(CLAIM, CHECK, FakeTarget("hardened", 403), FakeTarget("open_server", 403), show=False)


def test_control_required_or_reason():
    with pytest.raises(ValueError, match="negative control"):
        verify(CLAIM, CHECK, FakeTarget("hardened", 403), show=False)
    result = verify(CLAIM, CHECK, FakeTarget("hardened", 403), control_reason="no insecure twin", show=False)
    assert result.negative_control == "not-applicable"


def test_record_is_redacted():
    forget_all()
    secret = register("s3cr3t-token-value", "token")
    result = verify(CLAIM, CHECK, FakeTarget("hardened", 403), FakeTarget(f"open {secret}", 200), show=False)
    text = repr(result.record())
    assert secret not in text
    assert "«redacted:token»" in text
    forget_all()


def test_control_must_fail_by_showing_the_weakness():
    check = Check(lambda target: Observation(target.value, ""), equals(403), weakness=equals(200))
    ok = verify(CLAIM, check, FakeTarget("hardened", 403), FakeTarget("open", 200), show=False)
    assert ok.negative_control == "failed-as-expected"
    with pytest.raises(ClaimFailed, match="not by showing the weakness"):
        verify(CLAIM, check, FakeTarget("hardened", 403), FakeTarget("broken", 500), show=False)


class StaticTarget(FakeTarget):
    evidence = "static"


def test_static_targets_are_never_recorded_as_verified():
    result = verify(CLAIM, CHECK, StaticTarget("hardened", 403), StaticTarget("insecure", 200), show=False)
    assert result.status == "static"
    with pytest.raises(ClaimFailed, match="hardened side"):
        verify(CLAIM, CHECK, StaticTarget("hardened", 200), StaticTarget("insecure", 200), show=False)


def test_skip_records_the_reason_and_checks_the_evidence():
    from jsv.claims import skip

    result = skip(CLAIM, "no such package here", CHECK, FakeTarget("evidence", 403), show=False)
    record = {**result.record(), "page": "x.html#su-99"}
    assert record["status"] == "skipped" and record["negative_control"] == "none"
    assert record["notes"] == "no such package here"
    assert validate_record(record) == []
    with pytest.raises(ClaimFailed, match="evidence does not show it"):
        skip(CLAIM, "no such package here", CHECK, FakeTarget("evidence", 200), show=False)
